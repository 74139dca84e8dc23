import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tempProject } from '../helpers/tempDir';

/** Why the Docker tests cannot run here, or undefined when the engine answers. */
export function dockerMissing(): string | undefined {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error) return 'the docker CLI is not installed: run "npm run setup"';
  if (info.status !== 0) return `the Docker engine is not running (${info.stderr.trim().split('\n')[0]}): run "npm run setup"`;
  if (!fs.existsSync(BUSYBOX)) return `${BUSYBOX} is missing (Debian package busybox-static): run "npm run setup"`;
  return undefined;
}

export const BUSYBOX = '/bin/busybox';

/**
 * The test training program: dumps what SageMaker's contract says it should see (argv, host
 * name, environment, the /opt/ml tree and config files, the other hosts), then behaves as the
 * "mode" hyperparameter asks: succeed, fail with a failure file, exit with a code, or wait for
 * SIGTERM (handling it, or ignoring it). A host that waits prints READY once its trap is set;
 * in "hostfail", algo-2 fails once every other host is ready (listens on port 8080).
 */
export const TRAIN_SCRIPT = `#!/bin/sh
echo "ARGV0=$0"
echo "ARGS=$*"
echo "HOSTNAME=$(hostname)"
echo "TRAINING_JOB_NAME=$TRAINING_JOB_NAME"
echo "TRAINING_JOB_ARN=$TRAINING_JOB_ARN"
echo "AWS_REGION=$AWS_REGION"
echo "CUSTOM=$CUSTOM"
echo "TTY=$(if [ -t 1 ]; then echo yes; else echo no; fi)"
for f in /opt/ml/input/config/*.json; do echo "CONFIG $(basename $f) $(cat $f)"; done
find /opt/ml | sort | sed 's/^/TREE /'
hosts=$(sed 's/.*"hosts":\\[\\([^]]*\\)\\].*/\\1/' /opt/ml/input/config/resourceconfig.json | tr -d '"' | tr ',' ' ')
for host in $hosts; do
  # As SageMaker advises, retry: a host's name may resolve a moment after the container starts.
  reached=no
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if ping -c 1 -W 1 "$host" >/dev/null 2>&1; then reached=yes; break; fi
    sleep 0.5
  done
  echo "REACH $host $reached"
done
# Stay up a moment so the slower hosts can still reach this one.
if grep -q '"algo-2"' /opt/ml/input/config/resourceconfig.json; then sleep 3; fi
mode=$(sed -n 's/.*"mode":"\\([a-z]*\\)".*/\\1/p' /opt/ml/input/config/hyperparameters.json)
echo "trained by $(hostname)" > /opt/ml/model/model-$(hostname).txt
echo "metrics" > /opt/ml/output/data/metrics.txt
case "$mode" in
  failfile) printf 'Custom failure: %02000d' 0 > /opt/ml/output/failure; exit 3 ;;
  exit) exit 7 ;;
  term) trap 'echo "GOT SIGTERM"; echo saved > /opt/ml/model/on-term.txt; exit 0' TERM; echo READY; sleep 1000 & wait ;;
  ignore) trap '' TERM; echo READY; sleep 1000 & wait; sleep 1000 ;;
  hostfail)
    if [ "$(hostname)" = algo-2 ]; then
      # Fail only once every other host can take SIGTERM (its trap is set): PID 1 without a trap ignores it.
      for host in $hosts; do
        [ "$host" = algo-2 ] && continue
        tries=0
        until nc -w 1 "$host" 8080 </dev/null >/dev/null 2>&1; do
          tries=$((tries + 1))
          if [ $tries -ge 600 ]; then echo "$host never became ready"; exit 6; fi
          sleep 0.1
        done
      done
      exit 5
    fi
    trap 'echo "GOT SIGTERM"; exit 0' TERM
    # Ready: listen on a port, which the failing host polls (busybox httpd goes to the background).
    httpd -p 8080 -h /opt/ml/input/config
    echo READY
    sleep 1000 & wait ;;
  nonewline) printf 'last line without a newline'; exit 0 ;;
esac
echo DONE
`;

/**
 * A program that resumes: with a checkpoint it says so and completes; without one it saves one
 * (when the "save" hyperparameter is yes) and trains until SIGTERM, which it handles.
 */
export const SPOT_SCRIPT = `#!/bin/sh
ck=/opt/ml/checkpoints
echo "FOUND $(ls $ck | tr '\\n' ' ')"
if [ -f $ck/epoch ]; then
  echo "RESUMED at epoch $(cat $ck/epoch)"
  rm -f $ck/stale
  echo 4 > $ck/epoch
  echo trained > /opt/ml/model/model.txt
  exit 0
fi
grep -q '"save":"yes"' /opt/ml/input/config/hyperparameters.json && echo 3 > $ck/epoch
trap 'echo "GOT SIGTERM"; exit 0' TERM
echo READY
sleep 1000 & wait
`;

/** A context with busybox and the test program; `dockerfile` decides how the image runs it. */
export function trainingProject(dockerfile: string, extra: Parameters<typeof tempProject>[0] = {}): string {
  return tempProject({
    Dockerfile: dockerfile,
    busybox: { content: fs.readFileSync(BUSYBOX), mode: 0o755 },
    train: { content: TRAIN_SCRIPT, mode: 0o755 },
    'data/training/rows.csv': 'x,y\n1,2\n',
    ...extra,
  });
}

/** FROM scratch with busybox: no registry needed. The program is `train` on PATH unless the Dockerfile says otherwise. */
export const BUSYBOX_DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/local/bin:/bin
COPY train /usr/local/bin/train
`;

export function writeJob(project: string, job: Record<string, unknown>): string {
  const file = path.join(project, 'sagemaker-job.json');
  fs.writeFileSync(file, JSON.stringify(job, null, 2));
  return file;
}

export function dockerBuild(project: string, tag: string): void {
  const built = spawnSync('docker', ['build', '-q', '-t', tag, project], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`docker build of the test image failed: ${built.stderr}`);
}

/**
 * A base job name of this test process's own (`<base>-<random>`), so that its runs, and the checks
 * for what they left, are told apart from other runs on the same Docker engine and /tmp: another
 * test process, another checkout's tests, a person's own `smct train --local`.
 */
export function ownJobPrefix(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/** Whether a job name is `prefix` or one made from it (`<prefix>-…`). */
function ofPrefix(jobName: string, prefix: string): boolean {
  return jobName === prefix || jobName.startsWith(`${prefix}-`);
}

/** The ids of the containers (the running ones only, if asked) of local runs whose job name is or starts with `prefix-`. */
export function jobContainers(prefix: string, options: { running?: boolean } = {}): string[] {
  const filters = ['--filter', 'label=smct.managed=true', ...(options.running ? ['--filter', 'status=running'] : [])];
  return labelled(['ps', ...(options.running ? [] : ['--all']), ...filters], prefix);
}

function labelled(args: string[], prefix: string): string[] {
  const listed = spawnSync('docker', [...args, '--format', '{{.ID}} {{.Label "smct.job"}}'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${listed.stderr}`);
  return listed.stdout
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter(([id, job]) => id && job && ofPrefix(job, prefix))
    .map(([id]) => id);
}

/**
 * What local runs of the jobs named `prefix` or `prefix-…` left behind (containers and networks
 * labelled with such a job name, `smct-job-<job name>-*` folders), to assert there is none. Only
 * those: other runs beside the test are none of its business.
 */
export function leftovers(prefix: string): { containers: string; networks: string; folders: string[] } {
  return {
    containers: jobContainers(prefix).join(' '),
    networks: labelled(['network', 'ls', '--filter', 'label=smct.managed=true'], prefix).join(' '),
    folders: fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`smct-job-${prefix}-`)),
  };
}

const ROOT = path.resolve(__dirname, '../../..');
/** Made by scripts/setup-python-image.sh (npm run setup): Debian's python3, no registry needed. */
export const PYTHON_BASE = 'smct-debian-python:bookworm';

/** Why the examples cannot be built here, or undefined. */
export function pythonBaseMissing(): string | undefined {
  const docker = dockerMissing();
  if (docker) return docker;
  return spawnSync('docker', ['image', 'inspect', PYTHON_BASE]).status === 0
    ? undefined
    : `the local Python base image ${PYTHON_BASE} is missing: run "npm run setup"`;
}

/** A copy of an example whose job file (`jobFile`) builds on the local Python image; returns that job file. */
export function exampleCopy(name: string, jobFile = 'sagemaker-job.json'): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `smct-example-${name}-`));
  fs.cpSync(path.join(ROOT, 'examples', name), folder, { recursive: true });
  const file = path.join(folder, jobFile);
  const job = JSON.parse(fs.readFileSync(file, 'utf8'));
  job.build = { ...job.build, buildArgs: { BASE_IMAGE: PYTHON_BASE } };
  fs.writeFileSync(file, JSON.stringify(job));
  return file;
}
