// Bounds on the work one Dockerfile can cause in the static pipeline (model, rules, SARIF). Real Dockerfiles
// stay far below every one of them; a file that reaches one gets a per-file warning naming the limit, the
// value it cut is treated as unresolved (never as safe), and the rest of the file is still checked. Together with the 4 MiB file cap they keep time and memory linear.

/** Largest Dockerfile read, in bytes (src/scan/read-dockerfile.ts). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024

/** Deepest `${a:-${b:-...}}` nesting expanded; a deeper reference is left unresolved, as written. */
export const MAX_EXPANSION_DEPTH = 64

/** Longest expanded value (one ARG, ENV, USER, FROM or flag word); a longer one is cut and unresolved. */
export const MAX_EXPANDED_VALUE_LENGTH = 64 * 1024

/**
 * Characters that variable substitution may produce in one file, summed over all expansions. It stops
 * `ENV A=<64 KiB>` followed by thousands of `$A` references from multiplying the file into gigabytes.
 */
export const MAX_EXPANSION_OUTPUT_PER_FILE = 1024 * 1024

/** Ports one expanded EXPOSE word (`EXPOSE $PORTS`) may stand for; the rest are not checked. */
export const MAX_PORTS_PER_EXPOSE_WORD = 1000

// There is no limit on stages or instructions: a limit that stopped reading would let padding hide the
// final stage, the image that ships. The file cap bounds them (about 600,000 stages, 2,000,000
// instructions) and each costs constant work, measured in bench/scaling.mjs.

/**
 * ARG and ENV names one stage (or the global scope) keeps; more are treated as unresolved (never as unset),
 * so USER $X past it is reported as unresolved (LP105). A child stage shares its parent's names until it
 * declares its own, and then copies at most this many.
 */
export const MAX_VARIABLES_PER_STAGE = 1000

/**
 * ARG and ENV entries child stages may copy from their parents, summed over the file (a real file copies a
 * few hundred). Past it, a child stage that declares a variable starts from an empty scope in which every
 * inherited name is unresolved (USER $X is then LP105, never a pass), instead of copying 1,000 names at each
 * of 100,000 chained stages into gigabytes.
 */
export const MAX_INHERITED_VARIABLES_PER_FILE = 1_000_000

/**
 * Nesting of commands inside commands in RUN shell text (`sh -c "sudo find -exec ..."`); commands nested
 * deeper are not read.
 */
export const MAX_SHELL_NESTING = 4

/** Model problems reported per file; the rest are counted in one last problem. */
export const MAX_PROBLEMS_PER_FILE = 100

/** Paths listed in one finding's message and properties; the rest are counted. */
export const MAX_LISTED_PATHS = 50

/** Expanded values quoted in finding messages and properties are cut to this many characters. */
export const MAX_REPORTED_VALUE_LENGTH = 1024

/** Cuts a value for a message or property, marking the cut. */
export function clip(value: string, max = MAX_REPORTED_VALUE_LENGTH): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`
}
