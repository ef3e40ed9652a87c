/**
 * Loads TensorFlow.js on first use and chooses its backend.
 *
 * Order: WebGL, then WASM, then CPU, with `?backend=webgl|wasm|cpu` to override. A software WebGL
 * renderer (SwiftShader, llvmpipe) is much slower than WASM for these small models (measured here:
 * 17× on a 1024 matMul), so the automatic choice skips it. `setBackend` can fail quietly, so its
 * result is checked and the badge always names the backend actually in use. If the WebGL context is
 * lost later, the page moves to the next backend, says so, and widgets rebuild their tensors.
 */
import type * as TF from '@tensorflow/tfjs';
import { useAppStore, type BackendName } from './appStore';

type Tf = typeof TF;

let loading: Promise<Tf> | null = null;

/** The backend a URL asks for, if it names a valid one. */
export function requestedBackend(search: string): BackendName | null {
  const v = new URLSearchParams(search).get('backend');
  return v === 'webgl' || v === 'wasm' || v === 'cpu' ? v : null;
}

/** What WebGL2 is like in this browser: missing, software-rendered, or hardware. */
export function probeWebGL(): { available: boolean; software: boolean; renderer: string } {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (!gl) return { available: false, software: false, renderer: '' };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, software: /swiftshader|llvmpipe|software|basic render/i.test(renderer), renderer };
  } catch {
    return { available: false, software: false, renderer: '' };
  }
}

async function tryBackend(tf: Tf, name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    if (tf.getBackend() !== name) return false;
    // A tiny computation proves the backend works, not just that it registered.
    const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
    const v = await probe.data();
    probe.dispose();
    return v[0] === 2 && v[1] === 3;
  } catch {
    return false;
  }
}

function fallbackOrder(first: BackendName): BackendName[] {
  const all: BackendName[] = ['webgl', 'wasm', 'cpu'];
  return [first, ...all.filter((b) => b !== first)];
}

async function init(): Promise<Tf> {
  const [tf, wasm] = await Promise.all([import('../core/tf').then((m) => m.tf), import('@tensorflow/tfjs-backend-wasm')]);
  // The wasm binaries are served by this site (hashed assets), never fetched from a CDN.
  const [plain, simd, threaded] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
  ]);
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': plain.default,
    'tfjs-backend-wasm-simd.wasm': simd.default,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
  });
  tf.env().set('PROD', true);

  const asked = requestedBackend(window.location.search);
  const gl = probeWebGL();
  let first: BackendName;
  let note: string | null = null;
  let fellBack = false;
  if (asked) {
    first = asked;
  } else if (!gl.available) {
    first = 'wasm';
    fellBack = true;
    note = 'WebGL is not available in this browser, so the widgets compute with WebAssembly.';
  } else if (gl.software) {
    first = 'wasm';
    note = `WebGL here is software-rendered (${gl.renderer.split('(')[0].trim() || 'software'}), which is slower than WebAssembly for these models.`;
  } else {
    first = 'webgl';
  }

  for (const b of fallbackOrder(first)) {
    if (await tryBackend(tf, b)) {
      if (b !== first) {
        note = `${label(first)} did not start in this browser, so the widgets use ${label(b)}.`;
        fellBack = true;
      }
      const half = b === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
      useAppStore.getState().setBackend(b, note, half, fellBack);
      if (b === 'webgl') watchContextLoss(tf);
      return tf;
    }
  }
  throw new Error('No TensorFlow.js backend could start in this browser.');
}

function label(b: BackendName): string {
  return b === 'webgl' ? 'WebGL' : b === 'wasm' ? 'WebAssembly' : 'the CPU';
}

/** On a lost WebGL context, move to WASM (or CPU) and tell widgets to rebuild. */
function watchContextLoss(tf: Tf) {
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  const canvas = backend.gpgpu?.gl?.canvas as HTMLCanvasElement | undefined;
  canvas?.addEventListener(
    'webglcontextlost',
    () => {
      void (async () => {
        for (const b of ['wasm', 'cpu'] as const) {
          if (await tryBackend(tf, b)) {
            useAppStore.getState().setBackend(b, `The WebGL context was lost, so the widgets restarted on ${label(b)}.`, false, true);
            return;
          }
        }
      })();
    },
    { once: true },
  );
}

/** Load tfjs and its backend once; every widget awaits the same promise. */
export function loadTf(): Promise<Tf> {
  if (!loading) {
    loading = init().catch((e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}
