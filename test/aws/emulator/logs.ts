import type { JsonHandler } from './jsonProtocol';
import { AwsError, decodeToken, encodeToken } from './protocol';

export interface LogEvent {
  /** Milliseconds since the epoch, as CloudWatch Logs keeps them. */
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
}

interface LogStream {
  readonly name: string;
  readonly creationTime: number;
  readonly events: LogEvent[];
}

interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  readonly streams: Map<string, LogStream>;
}

interface DescribeLogStreamsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime';
  descending?: boolean;
  nextToken?: string;
  limit?: number;
}

interface GetLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}

interface StreamsToken {
  readonly offset: number;
}

const isStreamsToken = (state: unknown): state is StreamsToken => typeof (state as StreamsToken | null)?.offset === 'number';

/** CloudWatch Logs: the groups and streams training jobs write, read as the SageMaker SDKs read them. */
export class LogStore {
  private readonly groups = new Map<string, LogGroup>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Appends one event, making the group and the stream on first use (as SageMaker's agent does). */
  append(groupName: string, streamName: string, message: string, timestamp = Date.now()): void {
    let group = this.groups.get(groupName);
    if (!group) {
      group = { name: groupName, creationTime: timestamp, streams: new Map() };
      this.groups.set(groupName, group);
    }
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, creationTime: timestamp, events: [] };
      group.streams.set(streamName, stream);
    }
    stream.events.push({ timestamp, message, ingestionTime: Date.now() });
  }

  /** Every event of a stream, for tests; empty when there is no such stream. */
  events(groupName: string, streamName: string): readonly LogEvent[] {
    return this.groups.get(groupName)?.streams.get(streamName)?.events ?? [];
  }

  streamNames(groupName: string): string[] {
    return [...(this.groups.get(groupName)?.streams.keys() ?? [])].sort();
  }

  handlers(): Record<string, JsonHandler> {
    return {
      DescribeLogGroups: (input) => this.describeLogGroups(input as { logGroupNamePrefix?: string; limit?: number; nextToken?: string }),
      DescribeLogStreams: (input) => this.describeLogStreams(input as DescribeLogStreamsInput),
      GetLogEvents: (input) => this.getLogEvents(input as unknown as GetLogEventsInput),
    };
  }

  private groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  private describeLogGroups(input: { logGroupNamePrefix?: string; limit?: number; nextToken?: string }): unknown {
    const all = [...this.groups.values()].filter((group) => group.name.startsWith(input.logGroupNamePrefix ?? '')).sort((a, b) => compare(a.name, b.name));
    const { page, nextToken } = paginate(all, input.nextToken, input.limit ?? 50);
    return {
      logGroups: page.map((group) => ({
        logGroupName: group.name,
        creationTime: group.creationTime,
        arn: `${this.groupArn(group.name)}:*`,
        logGroupArn: this.groupArn(group.name),
        storedBytes: 0,
      })),
      nextToken,
    };
  }

  private group(input: { logGroupName?: string; logGroupIdentifier?: string }): LogGroup {
    if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
      throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    const identifier = input.logGroupName ?? input.logGroupIdentifier ?? '';
    // An identifier may be the group's ARN (with or without the trailing `:*`).
    const name = identifier.startsWith('arn:') ? identifier.replace(/^arn:[^:]*:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '') : identifier;
    const group = this.groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  /** Streams by name (or by last event time, never with a prefix, as AWS refuses it), paged by an opaque token. */
  private describeLogStreams(input: DescribeLogStreamsInput): unknown {
    const group = this.group(input);
    const byTime = input.orderBy === 'LastEventTime';
    if (byTime && input.logStreamNamePrefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const lastEvent = (stream: LogStream): number => stream.events.at(-1)?.timestamp ?? 0;
    const streams = [...group.streams.values()]
      .filter((stream) => stream.name.startsWith(input.logStreamNamePrefix ?? ''))
      .sort((a, b) => (byTime ? lastEvent(a) - lastEvent(b) || compare(a.name, b.name) : compare(a.name, b.name)));
    if (input.descending) streams.reverse();
    const { page, nextToken } = paginate(streams, input.nextToken, input.limit ?? 50);
    return {
      logStreams: page.map((stream) => ({
        logStreamName: stream.name,
        creationTime: stream.creationTime,
        firstEventTimestamp: stream.events[0]?.timestamp,
        lastEventTimestamp: stream.events.at(-1)?.timestamp,
        lastIngestionTime: stream.events.at(-1)?.ingestionTime,
        arn: `${this.groupArn(group.name)}:log-stream:${stream.name}`,
        storedBytes: 0,
      })),
      nextToken,
    };
  }

  /**
   * Events in order, a page at a time. Tokens are positions in the stream: `f/<n>` reads forward
   * from event n, `b/<n>` backward from it. At the end of the stream the forward token that was
   * passed in comes back unchanged, which is how readers know to wait (AWS documents it so).
   */
  private getLogEvents(input: GetLogEventsInput): unknown {
    const group = this.group(input);
    const stream = group.streams.get(input.logStreamName);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    const limit = input.limit ?? 10000;
    const matches = (event: LogEvent): boolean =>
      (input.startTime === undefined || event.timestamp >= input.startTime) && (input.endTime === undefined || event.timestamp < input.endTime);
    const indices = stream.events.flatMap((event, i) => (matches(event) ? [i] : []));
    const token = input.nextToken === undefined ? undefined : parseEventsToken(input.nextToken);
    let chosen: number[];
    let position: number;
    if (token?.direction === 'f') {
      chosen = indices.filter((i) => i >= token.position).slice(0, limit);
      position = token.position;
    } else if (token?.direction === 'b') {
      chosen = indices.filter((i) => i < token.position).slice(-limit);
      position = token.position;
    } else if (input.startFromHead) {
      chosen = indices.slice(0, limit);
      position = 0;
    } else {
      chosen = indices.slice(-limit);
      position = stream.events.length;
    }
    const first = chosen[0] ?? position;
    const afterLast = chosen.length > 0 ? (chosen.at(-1) as number) + 1 : position;
    return {
      events: chosen.map((i) => stream.events[i]),
      nextForwardToken: `f/${afterLast}`,
      nextBackwardToken: `b/${first}`,
    };
  }
}

function parseEventsToken(token: string): { direction: 'f' | 'b'; position: number } {
  const match = /^([fb])\/(\d+)$/.exec(token);
  if (!match) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { direction: match[1] as 'f' | 'b', position: Number(match[2]) };
}

function paginate<T>(items: readonly T[], token: string | undefined, limit: number): { page: T[]; nextToken?: string } {
  const offset =
    token === undefined ? 0 : decodeToken(token, isStreamsToken, () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.')).offset;
  const page = items.slice(offset, offset + limit);
  return { page, nextToken: offset + limit < items.length ? encodeToken({ offset: offset + limit }) : undefined };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
