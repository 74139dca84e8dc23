/**
 * The secondary statuses a local run goes through, named as SageMaker names them in
 * DescribeTrainingJob's SecondaryStatus (the API model's SecondaryStatus enum), so that a local
 * run reads like the job it rehearses.
 */
export type LocalSecondaryStatus =
  'Starting' | 'Downloading' | 'Training' | 'Interrupted' | 'Restarting' | 'Uploading' | 'Stopping' | 'Completed' | 'Failed' | 'Stopped' | 'MaxRuntimeExceeded';

export interface LocalStatusTransition {
  readonly status: LocalSecondaryStatus;
  /** What the run does in this phase. */
  readonly message: string;
  /** Milliseconds since the run began. */
  readonly elapsedMs: number;
}

/** Records the transitions of one run and passes each on as it happens. */
export class TransitionLog {
  readonly transitions: LocalStatusTransition[] = [];
  private readonly started = Date.now();

  constructor(private readonly onStatus?: (transition: LocalStatusTransition) => void) {}

  enter(status: LocalSecondaryStatus, message: string): void {
    const transition = { status, message, elapsedMs: Date.now() - this.started };
    this.transitions.push(transition);
    this.onStatus?.(transition);
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }
}
