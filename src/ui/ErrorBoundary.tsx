import { Component, type ReactNode } from 'react';

interface Props {
  /** Shown in the message, e.g. the widget's title. */
  what: string;
  onRetry: () => void;
  children: ReactNode;
}

/** Contains a crashing widget: a short message and a retry; the rest of the page is untouched. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error) {
    // Keep the details for whoever opens the console; the reader gets a plain sentence.
    console.warn(`Widget "${this.props.what}" failed:`, error);
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="widget-error" role="alert">
          <p>
            <strong>{this.props.what} stopped working.</strong> {this.state.error.message || 'An unexpected error occurred.'}
          </p>
          <button
            type="button"
            onClick={() => {
              this.setState({ error: null });
              this.props.onRetry();
            }}
          >
            Retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
