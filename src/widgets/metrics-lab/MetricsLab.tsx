import { useParam } from '../../ui/widget-context';
import { LabView } from './LabView';
import { BiasView } from './BiasView';

/** The evaluation lab: the failure lab on 2-D mixtures, or FID's and KID's bias against N. */
export default function MetricsLab() {
  const view = useParam<string>('view');
  return view === 'bias' ? <BiasView /> : <LabView />;
}
