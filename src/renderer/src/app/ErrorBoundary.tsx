import { Component, Fragment, type ErrorInfo, type ReactNode } from 'react';
import { ErrorScreen } from './ErrorScreen';

/**
 * Whatever a screen throws, the customer sees a calm error screen with a way back, never a blank
 * page or a stack trace. "Start again" remounts the screens from scratch.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean; attempt: number }> {
  override state = { failed: false, attempt: 0 };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The console is the renderer's log: Electron's main forwards it, the browser host shows it.
    console.error('kiosk_screen_failed', error, info.componentStack);
  }

  override render() {
    if (this.state.failed) {
      return (
        <ErrorScreen
          onRestart={() => this.setState((state) => ({ failed: false, attempt: state.attempt + 1 }))}
        />
      );
    }
    return <Fragment key={this.state.attempt}>{this.props.children}</Fragment>;
  }
}
