// The one place that reads the package's version, so every front reports the same one.
import { version } from '../../package.json';

export const VERSION: string = version;
