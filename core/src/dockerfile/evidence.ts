import * as posix from 'node:path/posix';
import type { ImageFiles, Placement } from './copies';
import type { DockerfileModel, Step } from './model';
import type { InstalledPackage } from './pip';
import { basename } from './shellWords';
import { expand } from './variables';

/** The argument SageMaker passes: `docker run IMAGE train` for training, `serve` for hosting. */
export type Verb = 'train' | 'serve';

/** Why we believe the image has a `train` (or `serve`) program on PATH. */
export type Evidence =
  | { readonly kind: 'file'; readonly imagePath: string; readonly placement: Placement }
  | { readonly kind: 'run'; readonly step: Step; readonly imagePath: string }
  | { readonly kind: 'package'; readonly installed: InstalledPackage }
  | { readonly kind: 'env'; readonly step: Step; readonly name: string }
  | { readonly kind: 'base-image'; readonly image: string };

/** Packages that install a `train` console script (the training toolkit and what depends on it). */
export const TRAIN_PACKAGES = new Set([
  'sagemaker-training',
  'sagemaker-containers',
  'sagemaker-tensorflow-container',
  'sagemaker-tensorflow-training',
  'sagemaker-pytorch-training',
  'sagemaker-pytorch-container',
  'sagemaker-mxnet-container',
  'sagemaker-mxnet-training',
  'sagemaker-chainer-container',
  'sagemaker-xgboost-container',
  'sagemaker-sklearn-container',
  'sagemaker-huggingface-training',
]);

/** The training toolkit itself (for SAGEMAKER_PROGRAM, SM203). */
export const TRAINING_TOOLKITS = new Set(['sagemaker-training', 'sagemaker-containers']);

/** Framework serving packages that install a `serve` entry point. */
const SERVE_PACKAGES = new Set([
  'sagemaker-pytorch-inference',
  'sagemaker-pytorch-serving-container',
  'sagemaker-mxnet-inference',
  'sagemaker-mxnet-serving-container',
  'sagemaker-tensorflow-serving-container',
  'sagemaker-huggingface-inference-toolkit',
  'sagemaker-xgboost-container',
  'sagemaker-sklearn-container',
  'sagemaker-scikit-learn-extension',
]);

/** Installing these makes a container an inference container (container kind "auto"). */
export const INFERENCE_PACKAGES = new Set(['sagemaker-inference', 'multi-model-server']);

const MODULE_VARIABLE: Record<Verb, string> = { train: 'SAGEMAKER_TRAINING_MODULE', serve: 'SAGEMAKER_SERVING_MODULE' };

export function findEvidence(model: DockerfileModel, files: ImageFiles, packages: readonly InstalledPackage[], verb: Verb): Evidence | undefined {
  for (const directory of model.path) {
    const imagePath = posix.join(directory, verb);
    const placement = files.placementOf(imagePath);
    if (placement) return { kind: 'file', imagePath, placement };
  }
  const linked = runCreatedProgram(model, verb);
  if (linked) return linked;
  const wanted = verb === 'train' ? TRAIN_PACKAGES : SERVE_PACKAGES;
  const installed = packages.find((candidate) => wanted.has(candidate.name));
  if (installed) return { kind: 'package', installed };
  const moduleSetting = model.envDefinitions.get(MODULE_VARIABLE[verb])?.[0];
  if (moduleSetting) return { kind: 'env', step: moduleSetting.step, name: MODULE_VARIABLE[verb] };
  const base = model.baseImage;
  if (base && (verb === 'train' ? base.providesTrain : base.providesServe)) return { kind: 'base-image', image: base.reference.value };
  // A base known to provide the program (Triton's serve), or a local base image built on the SageMaker toolkit.
  const facts = model.baseFacts;
  if (base && facts && (facts.programs[verb] === true || facts.config.env[MODULE_VARIABLE[verb]])) return { kind: 'base-image', image: base.reference.value };
  return undefined;
}

/**
 * A RUN that creates or links the program into a PATH folder: any word naming
 * `<PATH folder>/train` (`ln -s … /usr/local/bin/train`, `cp`, `install`, `curl -o`, `> file`), or
 * `ln`/`cp`/`install`/`mv` of a file named `train` into a PATH folder.
 */
function runCreatedProgram(model: DockerfileModel, verb: Verb): Evidence | undefined {
  const folders = new Set(model.path);
  for (const step of model.stepsOf('RUN')) {
    // Follow `cd` inside the RUN, so `cd /usr/local/bin && ln -s /opt/x.py train` is understood.
    let cwd = step.workdir;
    for (const command of model.shellCommands(step.instruction)) {
      const words = command.map((word) => expand(word.text.replace(/^\d*>+/, ''), step.scope, model.escape).value);
      const program = basename(words[0] ?? '');
      if (program === 'cd' && words[1] !== undefined) {
        cwd = posix.resolve(cwd, words[1]);
        continue;
      }
      const paths = words.filter((word) => word.startsWith('/') || word.startsWith('.')).map((word) => posix.resolve(cwd, word));
      const named = paths.find((path) => basename(path) === verb && folders.has(posix.dirname(path)));
      if (named) return { kind: 'run', step, imagePath: named };
      if (!['ln', 'cp', 'install', 'mv'].includes(program)) continue;
      // The last operand is the target: a file named like the verb, or a folder that receives it.
      const operands = words.slice(1).filter((word) => !word.startsWith('-'));
      const target = operands.length >= 2 ? posix.resolve(cwd, operands[operands.length - 1]) : undefined;
      if (target && basename(target) === verb && folders.has(posix.dirname(target))) return { kind: 'run', step, imagePath: target };
      if (target && folders.has(target.replace(/\/+$/, '') || '/') && operands.slice(0, -1).some((word) => basename(word) === verb)) {
        return { kind: 'run', step, imagePath: posix.join(target, verb) };
      }
    }
  }
  return undefined;
}
