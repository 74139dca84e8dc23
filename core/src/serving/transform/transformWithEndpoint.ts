// Batch transform against a serving container that is already up: every input file split into
// records, the records batched into requests, at most MaxConcurrentTransforms requests in flight,
// and each file's answers assembled into <output>/<file>.out, as SageMaker's batch transform does
// (https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform.html).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TransformSpec } from '../../job/servingSection';
import type { InputChannel } from '../../job/trainingJob';
import { prepareChannel } from '../../local/channels/prepareChannel';
import type { CacheProgress } from '../../local/channels/objectCache';
import type { S3Reader } from '../../local/channels/types';
import { SmctError, isSmctError } from '../../errors';
import { BATCH_STRATEGY_VALUES } from '../hostingContract';
import { httpExchange } from '../localHttp';
import { makeBatches, type Batch } from './batches';
import { checkTransformParameters, effectiveParameters, readExecutionParameters, type TransformParameters } from './executionParameters';
import { recordPayload, splitRecords } from './records';

/**
 * How long one request may take. Batch transform's own limit is the job's
 * ModelClientConfig.InvocationsTimeoutInSeconds (1 to 3600 s,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelClientConfig.html); smct uses
 * 600 s when not told.
 */
export const TRANSFORM_REQUEST_TIMEOUT_MS = 600_000;

/**
 * The largest input file smct splits into records. SageMaker streams its input; smct reads a file
 * whole to split it (Node's buffers stop at 2 GiB, and the batches take another copy), so a larger
 * file is refused before it is read. MaxPayloadInMB 0 streams a file of any size in one request.
 */
export const MAX_SPLIT_INPUT_BYTES = 1024 * 1024 * 1024;

/** The largest answer to one transform request smct keeps: 100 MiB, as large as SageMaker's largest request (MaxPayloadInMB 100). */
export const MAX_TRANSFORM_ANSWER_BYTES = 100 * 1024 * 1024;

export interface TransformOptions {
  /** Which of the spec's parameters the job file set; the others may come from /execution-parameters. Default: all of them. */
  readonly setInJobFile?: readonly (keyof TransformParameters)[];
  readonly requestTimeoutMs?: number;
  /** The parameters the transform runs with, once known (SageMaker logs them first). */
  readonly onParameters?: (parameters: TransformParameters) => void;
  /** Each input file, once its output is written. */
  readonly onFile?: (file: TransformedFile) => void;
  /** Stands in for S3 (an s3:// input); default: none, and an s3:// input is refused. */
  readonly s3?: () => S3Reader;
  readonly cacheDir?: string;
  readonly maxDownloadBytes?: number;
  readonly onDownload?: (progress: CacheProgress) => void;
  readonly signal?: AbortSignal;
}

export interface TransformedFile {
  /** The input file's path relative to the input. */
  readonly relative: string;
  /** Where its answers were written. */
  readonly output: string;
  readonly records: number;
  readonly requests: number;
}

export interface TransformResult {
  readonly parameters: TransformParameters;
  readonly files: readonly TransformedFile[];
  readonly records: number;
  readonly requests: number;
  readonly milliseconds: number;
}

interface InputFile {
  readonly relative: string;
  readonly file: string;
}

/** One line as SageMaker's transform log begins: "MaxConcurrentTransforms=1, MaxPayloadInMB=6, BatchStrategy=MULTI_RECORD". */
export function parametersLine(parameters: TransformParameters): string {
  return `MaxConcurrentTransforms=${parameters.maxConcurrentTransforms}, MaxPayloadInMB=${parameters.maxPayloadInMB}, BatchStrategy=${BATCH_STRATEGY_VALUES[parameters.batchStrategy]}`;
}

/** Runs the transform `spec` describes against the container at `url`. The first failed request fails the job; files already done keep their output. */
export async function transformWithEndpoint(spec: TransformSpec, url: string, options: TransformOptions = {}): Promise<TransformResult> {
  const started = Date.now();
  const set = new Set(options.setInJobFile ?? ['maxConcurrentTransforms', 'batchStrategy', 'maxPayloadInMB']);
  const fromJob: Partial<TransformParameters> = {
    maxConcurrentTransforms: set.has('maxConcurrentTransforms') ? spec.maxConcurrentTransforms : undefined,
    batchStrategy: set.has('batchStrategy') ? spec.batchStrategy : undefined,
    maxPayloadInMB: set.has('maxPayloadInMB') ? spec.maxPayloadInMB : undefined,
  };
  const parameters = effectiveParameters(fromJob, await readExecutionParameters(url, { signal: options.signal }));
  checkTransformParameters(parameters);
  options.onParameters?.(parameters);
  const inputs = await inputFiles(spec, options);
  const run = new TransformRun(spec, url, parameters, options);
  const files = await run.all(inputs);
  return {
    parameters,
    files,
    records: files.reduce((sum, file) => sum + file.records, 0),
    requests: files.reduce((sum, file) => sum + file.requests, 0),
    milliseconds: Date.now() - started,
  };
}

/** The input's files in SageMaker's order (by key): a file, a folder's files, or an S3 prefix's objects through the download cache. */
async function inputFiles(spec: TransformSpec, options: TransformOptions): Promise<InputFile[]> {
  if (spec.input.kind === 'local') return localInputFiles(spec.input.path);
  const channel: InputChannel = {
    name: 'transform',
    source: spec.input,
    contentType: spec.contentType,
    inputMode: 'File',
    distribution: 'FullyReplicated',
    s3DataType: 'S3Prefix',
    recordWrapperType: 'None',
  };
  const prepared = await prepareChannel(channel, 1, {
    reader: options.s3,
    cacheDir: options.cacheDir,
    maxDownloadBytes: options.maxDownloadBytes,
    onProgress: options.onDownload,
    signal: options.signal,
  });
  return prepared.shares[0].flatMap((item) => (item.kind === 'file' ? [{ relative: item.relative, file: item.file }] : []));
}

function localInputFiles(input: string): InputFile[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new SmctError('TRANSFORM_FAILED', `the transform input ${input} does not exist: set serving.transform.input (or --input) to a file or folder.`);
  }
  if (stat.isFile()) return [{ relative: path.basename(input), file: input }];
  const found: InputFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push({ relative: path.relative(input, full).split(path.sep).join('/'), file: full });
    }
  };
  walk(input);
  if (found.length === 0) throw new SmctError('TRANSFORM_FAILED', `the transform input ${input} holds no files: put the records to transform there.`);
  return found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/** One request of one file. */
interface Task {
  readonly file: FileState;
  readonly index: number;
  readonly batch: Batch | { readonly firstRecord: 1; readonly records: number; readonly stream: string };
}

interface FileState {
  readonly input: InputFile;
  readonly totalRecords: number;
  readonly answers: Buffer[];
  left: number;
}

class TransformRun {
  private failure: unknown;
  private readonly abort = new AbortController();
  private readonly done: TransformedFile[] = [];

  constructor(
    private readonly spec: TransformSpec,
    private readonly url: string,
    private readonly parameters: TransformParameters,
    private readonly options: TransformOptions,
  ) {
    options.signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
  }

  /** MaxConcurrentTransforms workers share one queue of requests, file after file. */
  async all(inputs: readonly InputFile[]): Promise<TransformedFile[]> {
    const queue = this.tasks(inputs);
    const worker = async (): Promise<void> => {
      while (this.failure === undefined) {
        let next: IteratorResult<Task>;
        try {
          next = await queue.next();
        } catch (error) {
          this.fail(error);
          return;
        }
        if (next.done) return;
        try {
          await this.send(next.value);
        } catch (error) {
          this.fail(error);
        }
      }
    };
    await Promise.all(Array.from({ length: this.parameters.maxConcurrentTransforms }, worker));
    if (this.failure !== undefined) throw this.failure;
    return this.done;
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.abort.abort();
  }

  private async *tasks(inputs: readonly InputFile[]): AsyncGenerator<Task> {
    for (const input of inputs) {
      if (this.parameters.maxPayloadInMB === 0) {
        // MaxPayloadInMB 0: the whole file in one request, streamed with chunked transfer encoding.
        const file: FileState = { input, totalRecords: 1, answers: [], left: 1 };
        yield { file, index: 0, batch: { firstRecord: 1, records: 1, stream: input.file } };
        continue;
      }
      const data = await readInput(input);
      const records = splitRecords(data, this.spec.splitType, input.relative);
      const splitType = this.spec.splitType;
      const payloadOf = (record: Buffer): Buffer => recordPayload(record, splitType);
      const batches = makeBatches(records, this.parameters.batchStrategy, this.parameters.maxPayloadInMB, input.relative, payloadOf);
      const file: FileState = { input, totalRecords: records.length, answers: [], left: batches.length };
      if (batches.length === 0) {
        this.write(file);
        continue;
      }
      for (let index = 0; index < batches.length; index++) yield { file, index, batch: batches[index] };
    }
  }

  private async send(task: Task): Promise<void> {
    const headers: Record<string, string> = {};
    if (this.spec.contentType) headers['Content-Type'] = this.spec.contentType;
    if (this.spec.accept) headers['Accept'] = this.spec.accept;
    const body = 'stream' in task.batch ? fs.createReadStream(task.batch.stream) : task.batch.body;
    const timeoutMs = this.options.requestTimeoutMs ?? TRANSFORM_REQUEST_TIMEOUT_MS;
    const answer = await httpExchange(this.url, {
      method: 'POST',
      path: '/invocations',
      body,
      headers,
      timeoutMs,
      timeoutMessage: `${where(task)}: no answer within ${timeoutMs / 1000} s, the limit of one request (ModelClientConfig.InvocationsTimeoutInSeconds); no output was written for ${task.file.input.relative}.`,
      signal: this.abort.signal,
      maxAnswerBytes: MAX_TRANSFORM_ANSWER_BYTES,
    }).catch((error: unknown) => {
      // The endpoint's failures (no answer, a dropped connection) are the transform's.
      throw isSmctError(error, 'ENDPOINT_FAILED') ? new SmctError('TRANSFORM_FAILED', error.message) : error;
    });
    if (answer.status < 200 || answer.status >= 300) throw requestFailed(task, answer.status, answer.body);
    task.file.answers[task.index] = answer.body;
    task.file.left -= 1;
    if (task.file.left === 0) this.write(task.file);
  }

  /** The file's answers in order, written to a temporary file then renamed: never half an output. */
  private write(file: FileState): void {
    const output = path.join(this.spec.output, `${file.input.relative}.out`);
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const temporary = `${output}.${crypto.randomBytes(4).toString('hex')}.partial`;
    const parts = this.spec.assembleWith === 'Line' ? file.answers.map(withNewline) : file.answers;
    try {
      fs.writeFileSync(temporary, Buffer.concat(parts));
      fs.renameSync(temporary, output);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw new SmctError('TRANSFORM_FAILED', `could not write ${output}: ${(error as Error).message}.`);
    }
    const done: TransformedFile = { relative: file.input.relative, output, records: file.totalRecords, requests: file.answers.length };
    this.done.push(done);
    this.options.onFile?.(done);
  }
}

/** One input file whole, within MAX_SPLIT_INPUT_BYTES; what the file system refuses is a one-line TRANSFORM_FAILED naming the file. */
async function readInput(input: InputFile): Promise<Buffer> {
  try {
    const stat = await fs.promises.stat(input.file);
    if (stat.size > MAX_SPLIT_INPUT_BYTES) {
      throw new SmctError(
        'TRANSFORM_FAILED',
        `${input.relative} is ${stat.size} bytes: smct reads a file whole to split it and takes at most ${MAX_SPLIT_INPUT_BYTES / 1024 ** 3} GiB (SageMaker streams): split the file into smaller ones, or set serving.transform.maxPayloadInMB to 0 to send each file whole, streamed.`,
      );
    }
    return await fs.promises.readFile(input.file);
  } catch (error) {
    if (isSmctError(error)) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SmctError('TRANSFORM_FAILED', `could not read the transform input ${input.file} (${reason}): check that it exists and is readable.`);
  }
}

/** AssembleWith Line: "a newline character after each record" (API_TransformOutput), unless the answer ends with one. */
function withNewline(answer: Buffer): Buffer {
  return answer.length > 0 && answer[answer.length - 1] === 0x0a ? answer : Buffer.concat([answer, Buffer.from('\n')]);
}

/**
 * SageMaker logs "<bucket>/<key>: ClientError: <status>" and the container's message for the input
 * file, and fails the job with "ClientError: See job logs for more information"
 * (aws/amazon-sagemaker-examples#1620, aws/sagemaker-python-sdk#1882). Locally the log line and
 * the reason are one message.
 */
function requestFailed(task: Task, status: number, body: Buffer): SmctError {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return new SmctError(
    'TRANSFORM_FAILED',
    `${where(task)}: ClientError: ${status}${shown ? ` "${shown}"` : ''} (SageMaker fails the job with "ClientError: See job logs for more information"); no output was written for ${task.file.input.relative}.`,
  );
}

/** "a.csv: records 3-5 of 10": the file and the records of one request. */
function where(task: Task): string {
  const { firstRecord, records } = task.batch;
  const range = records === 1 ? `record ${firstRecord}` : `records ${firstRecord}-${firstRecord + records - 1}`;
  return `${task.file.input.relative}: ${range} of ${task.file.totalRecords}`;
}
