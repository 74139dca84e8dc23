export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
export type ContainerKind = 'training' | 'inference' | 'both';
export type KindSetting = ContainerKind | 'auto';

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];
export const KIND_SETTINGS: readonly KindSetting[] = ['auto', 'training', 'inference', 'both'];

/** What the editor settings and the project config file can set; every field is optional. */
export interface LintSettings {
  readonly kind?: KindSetting;
  /** The stage to analyse instead of the last one (as `docker build --target`). */
  readonly target?: string;
  /** Per-rule severity overrides; rules not named keep their default severity. */
  readonly rules?: Readonly<Record<string, SeveritySetting>>;
}

/**
 * Later layers win field by field, and rule overrides merge key by key, so a partial setting
 * never switches other rules off (the trap of dockerfile-utils' partial ValidatorSettings).
 */
export function mergeSettings(...layers: readonly (LintSettings | undefined)[]): LintSettings {
  let kind: KindSetting | undefined;
  let target: string | undefined;
  const rules: Record<string, SeveritySetting> = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.kind && layer.kind !== 'auto') kind = layer.kind;
    if (layer.target) target = layer.target;
    for (const [id, severity] of Object.entries(layer.rules ?? {})) {
      if (SEVERITY_SETTINGS.includes(severity)) rules[id.toUpperCase()] = severity;
    }
  }
  return { kind: kind ?? 'auto', target, rules };
}

/** Numeric rank for comparisons such as `--fail-on warning`. */
export function severityRank(severity: Severity): number {
  return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}
