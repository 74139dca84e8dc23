import { DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from './awsClients';
import { errorName } from './awsErrors';

export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

export interface LogLine {
  /** `algo-1` of the stream `<job>/algo-1-1700000000`. */
  readonly host: string;
  readonly stream: string;
  readonly timestamp: number;
  readonly text: string;
}

/**
 * Reads a training job's CloudWatch log streams, one per instance (and one more per restart),
 * keeping one forward token per stream: each event is read once, none is skipped, and streams
 * that appear while the job runs are picked up on the next read.
 */
export class TrainingLogReader {
  private readonly tokens = new Map<string, string | undefined>();

  constructor(
    private readonly clients: AwsClients,
    /** The streams' prefix before the first "/": the job's name, or an endpoint's variant. */
    readonly jobName: string,
    /** An endpoint's log group (/aws/sagemaker/Endpoints/<name>) is read the same way. */
    private readonly logGroup: string = TRAINING_LOG_GROUP,
  ) {}

  /**
   * Every new line of every stream, in time order across streams. The tokens move on only when
   * the whole read succeeds: a read cut short (throttled) is done again, losing no line.
   */
  async read(signal?: AbortSignal): Promise<LogLine[]> {
    await this.discover(signal);
    const tokens = new Map(this.tokens);
    const lines: LogLine[] = [];
    for (const stream of tokens.keys()) lines.push(...(await this.readStream(stream, tokens, signal)));
    for (const [stream, token] of tokens) this.tokens.set(stream, token);
    // Stable: lines of one stream with the same timestamp keep their order.
    return lines.sort((a, b) => a.timestamp - b.timestamp);
  }

  private async discover(signal?: AbortSignal): Promise<void> {
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.clients.logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: this.logGroup,
            logStreamNamePrefix: `${this.jobName}/`,
            orderBy: 'LogStreamName',
            nextToken,
            limit: 50,
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // An account's first job: the log group appears only when a container first writes.
        if (errorName(error) === 'ResourceNotFoundException') return;
        throw error;
      }
      for (const { logStreamName } of page.logStreams ?? []) {
        if (logStreamName && !this.tokens.has(logStreamName)) this.tokens.set(logStreamName, undefined);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }

  private async readStream(stream: string, tokens: Map<string, string | undefined>, signal?: AbortSignal): Promise<LogLine[]> {
    const host = /\/(.+)-\d+$/.exec(stream)?.[1] ?? stream;
    const lines: LogLine[] = [];
    for (;;) {
      const token = tokens.get(stream);
      const page = await this.clients.logs.send(
        new GetLogEventsCommand({ logGroupName: this.logGroup, logStreamName: stream, startFromHead: true, ...(token ? { nextToken: token } : {}) }),
        { abortSignal: signal },
      );
      for (const event of page.events ?? []) {
        // SageMaker's log agent writes a tab as rsyslog's octal escape.
        lines.push({ host, stream, timestamp: event.timestamp ?? 0, text: (event.message ?? '').replace(/#011/g, '\t').replace(/\r?\n$/, '') });
      }
      // At the end of a stream GetLogEvents returns the token it was given.
      const next = page.nextForwardToken;
      if (next) tokens.set(stream, next);
      if (!next || next === token || (page.events ?? []).length === 0) return lines;
    }
  }
}

/**
 * How log lines read: as they are for one instance; with their host (`[algo-2] …`) when the job
 * has several, or another stream appears (a restart), as local runs print them.
 */
export function logLineFormatter(instances: number): (line: LogLine) => string {
  const hosts = new Set<string>();
  return (line) => {
    hosts.add(line.host);
    return instances > 1 || hosts.size > 1 ? `[${line.host}] ${line.text}` : line.text;
  };
}
