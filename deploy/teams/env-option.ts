import { PackageError } from './app-package';

/** Reads `--env <name>` (or `--env=<name>`) from the arguments, the one option both scripts take. */
export function readEnvOption(args: readonly string[], usage: string): string {
  let envName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--env') {
      envName = args[i + 1];
      i++;
    } else if (arg.startsWith('--env=')) {
      envName = arg.slice('--env='.length);
    } else {
      throw new PackageError(`Unknown argument "${arg}". Usage: ${usage}`);
    }
  }
  if (envName === undefined || envName === '') throw new PackageError(`--env is required. Usage: ${usage}`);
  return envName;
}
