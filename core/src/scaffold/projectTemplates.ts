// The templates `smct init` offers. Their programs are files under templates/ (shipped with the
// package); what differs between them in the generated Dockerfile, job file and README is here.

export type TemplateId = 'scikit-learn' | 'xgboost' | 'pytorch' | 'tensorflow' | 'python';

export interface ProjectTemplate {
  readonly id: TemplateId;
  /** What the quick pick and `smct init --help` show. */
  readonly title: string;
  readonly description: string;
  /**
   * The module the Dockerfile imports to learn whether the base image has the framework already;
   * without it, requirements.txt is installed. Undefined: the template needs nothing but Python.
   */
  readonly frameworkModule?: string;
  /** The job file's hyperparameters: what `train` reads, with defaults that train in seconds on a CPU. */
  readonly hyperparameters: Readonly<Record<string, number>>;
}

/**
 * The default base image of every template: the Docker Official Image for Python on Debian
 * bookworm, published for linux/amd64, which SageMaker's instances run
 * (https://hub.docker.com/_/python). Frameworks come from the template's pinned requirements.txt.
 */
export const DEFAULT_BASE_IMAGE = 'python:3.11-slim';

export const PROJECT_TEMPLATES: readonly ProjectTemplate[] = [
  {
    id: 'scikit-learn',
    title: 'scikit-learn',
    description: 'A random forest classifier, grown in rounds with a checkpoint after each',
    frameworkModule: 'sklearn',
    hyperparameters: { n_estimators: 100, max_depth: 5, trees_per_round: 20 },
  },
  {
    id: 'xgboost',
    title: 'XGBoost',
    description: 'A gradient-boosted tree classifier, checkpointed every few rounds',
    frameworkModule: 'xgboost',
    hyperparameters: { num_round: 50, max_depth: 3, eta: 0.3, checkpoint_every: 10 },
  },
  {
    id: 'pytorch',
    title: 'PyTorch',
    description: 'A small neural network trained on the CPU, checkpointed each epoch',
    frameworkModule: 'torch',
    hyperparameters: { epochs: 20, learning_rate: 0.01, hidden_units: 16, batch_size: 32 },
  },
  {
    id: 'tensorflow',
    title: 'TensorFlow (Keras)',
    description: 'A small Keras network, checkpointed each epoch',
    frameworkModule: 'tensorflow',
    hyperparameters: { epochs: 20, learning_rate: 0.01, hidden_units: 16, batch_size: 32 },
  },
  {
    id: 'python',
    title: 'Plain Python',
    description: 'Logistic regression in the standard library (no framework, the smallest image)',
    hyperparameters: { epochs: 200, learning_rate: 0.1 },
  },
];

export function findTemplate(id: string): ProjectTemplate | undefined {
  return PROJECT_TEMPLATES.find((template) => template.id === id);
}
