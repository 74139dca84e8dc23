import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import type { S3Store } from './s3Store';
import type { CreateTrainingJobRequest } from './training';

export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/**
 * Downloads each channel's S3Prefix objects into `<root>/<channel>/`, as SageMaker fills
 * /opt/ml/input/data: each object at its key less the prefix (so `data/train` also takes
 * `data/training/x.csv`, as `ing/x.csv`, as on SageMaker). A channel without objects fails the job
 * with SageMaker's ClientError.
 */
export async function downloadChannels(
  s3: S3Store,
  request: CreateTrainingJobRequest,
  root: string,
  region: string,
): Promise<{ folders: Record<string, string> } | { failureReason: string }> {
  const folders: Record<string, string> = {};
  for (const channel of request.InputDataConfig ?? []) {
    const folder = path.join(root, channel.ChannelName);
    fs.mkdirSync(folder, { recursive: true });
    folders[channel.ChannelName] = folder;
    const source = channel.DataSource.S3DataSource;
    if (!source) return { failureReason: `ClientError: Channel ${channel.ChannelName}: the AWS emulator serves S3DataSource channels only.` };
    if (source.S3DataType !== 'S3Prefix') {
      return { failureReason: `ClientError: Channel ${channel.ChannelName}: the AWS emulator serves S3DataType S3Prefix only, not ${source.S3DataType}.` };
    }
    const location = parseS3Uri(source.S3Uri);
    const objects = location && s3.buckets.has(location.bucket) ? s3.list(location.bucket, location.key).filter((object) => !object.key.endsWith('/')) : [];
    if (!location || objects.length === 0) {
      return {
        failureReason:
          `ClientError: No S3 objects found under S3 URL "${source.S3Uri}" given in input data source. Please ensure that the bucket exists in the selected region (${region}), ` +
          `that objects exist under that S3 prefix, and that the role "${request.RoleArn}" has "s3:ListBucket" permissions on bucket "${location?.bucket ?? ''}".`,
      };
    }
    for (const object of objects) {
      const relative = object.key.slice(location.key.length).replace(/^\/+/, '') || path.posix.basename(object.key);
      const file = path.resolve(folder, relative);
      if (!file.startsWith(folder + path.sep)) return { failureReason: `ClientError: The S3 key ${object.key} would be written outside the channel's folder.` };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, object.bytes);
    }
  }
  return { folders };
}

/**
 * Uploads the job's artifacts as SageMaker does: `<S3OutputPath>/<job>/output/model.tar.gz` (and
 * `output.tar.gz`), from the runner's archives or packed from its model and output folders. With
 * CompressionType NONE the model's files go uncompressed under `<job>/output/model/`.
 */
export async function uploadArtifacts(
  s3: S3Store,
  request: CreateTrainingJobRequest,
  jobName: string,
  work: string,
): Promise<{ model: string } | { failureReason: string }> {
  const output = parseS3Uri(request.OutputDataConfig.S3OutputPath);
  if (!output) return { failureReason: `ClientError: S3OutputPath ${request.OutputDataConfig.S3OutputPath} is not an s3:// URI.` };
  if (!s3.buckets.has(output.bucket)) {
    return { failureReason: `ClientError: Failed to upload the model artifacts to s3://${output.bucket}: the specified bucket does not exist.` };
  }
  const base = [output.key.replace(/\/+$/, ''), jobName, 'output'].filter(Boolean).join('/');
  const artifacts = path.join(work, 'artifacts');
  const modelArchive = await archive(path.join(artifacts, 'model.tar.gz'), path.join(work, 'model'), true);
  const outputArchive = await archive(path.join(artifacts, 'output.tar.gz'), path.join(work, 'output'), false);
  if (outputArchive) s3.putObject(output.bucket, `${base}/output.tar.gz`, fs.readFileSync(outputArchive), { contentType: 'application/x-tar' });
  if (request.OutputDataConfig.CompressionType === 'NONE') {
    const unpacked = path.join(work, 'model-uncompressed');
    fs.mkdirSync(unpacked, { recursive: true });
    await tar.extract({ file: modelArchive as string, cwd: unpacked });
    for (const relative of fs.readdirSync(unpacked, { recursive: true }) as string[]) {
      const file = path.join(unpacked, relative);
      if (fs.statSync(file).isFile()) s3.putObject(output.bucket, `${base}/model/${relative.split(path.sep).join('/')}`, fs.readFileSync(file));
    }
    return { model: `s3://${output.bucket}/${base}/model/` };
  }
  s3.putObject(output.bucket, `${base}/model.tar.gz`, fs.readFileSync(modelArchive as string), { contentType: 'application/x-tar' });
  return { model: `s3://${output.bucket}/${base}/model.tar.gz` };
}

/** The runner's archive, else one packed from the folder (always for the model, as SageMaker uploads an empty one too; only when not empty otherwise). */
async function archive(file: string, folder: string, always: boolean): Promise<string | undefined> {
  if (fs.existsSync(file)) return file;
  const entries = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  if (entries.length === 0 && !always) return undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(folder)) fs.mkdirSync(folder, { recursive: true });
  await tar.create({ gzip: true, file, cwd: folder, portable: true }, entries.length > 0 ? entries : ['.']);
  return file;
}
