#!/usr/bin/env node
/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = require("node:path");
;// CONCATENATED MODULE: ./src/errors.ts
// Errors meant for people: one line, naming the file, line or input. Anything else is a bug.
/** Bad input from the user (flags, inputs, files). CLI exit status 2. */
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
/** Something outside the tool failed (daemon, build, probe). The part that completed is still reported. */
class OperationalError extends Error {
    kind;
    constructor(message, kind) {
        super(message);
        this.kind = kind;
        this.name = 'OperationalError';
    }
}
/** Longest error line printed; a longer message (a 100 KB flag value, say) is cut with an ellipsis. */
const MAX_ERROR_CHARS = 500;
/** One line for any thrown value, never a stack trace, at most MAX_ERROR_CHARS long. */
function describeError(error) {
    const text = error instanceof Error ? error.message : String(error);
    const line = text.split(/\r\n|[\r\n]/)[0].trim() || 'unknown error';
    if (line.length <= MAX_ERROR_CHARS)
        return line;
    let cut = line.slice(0, MAX_ERROR_CHARS - 1);
    if (/[\uD800-\uDBFF]$/.test(cut))
        cut = cut.slice(0, -1);
    return `${cut}…`;
}

;// CONCATENATED MODULE: ./src/meta.ts
// Tool identity used in SARIF, reports and rule links.
const TOOL_NAME = 'least-privilege';
const TOOL_VERSION = '0.1.0';
const REPO_URL = 'https://github.com/least-privilege/least-privilege';
const RULE_DOCS_BASE = (/* unused pure expression or super */ null && (`${REPO_URL}/blob/main/docs/rules`));
/** Label put on every container and image the tool creates, so they can always be found and removed. */
const RESOURCE_LABEL = 'io.least-privilege.run';

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = require("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = require("node:fs");
;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = require("node:module");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = require("node:os");
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = require("node:vm");
;// CONCATENATED MODULE: ./src/cli/code-cache.ts
// Loads the scanner bundle (dist/index.js, 5.6 MB) with a V8 code cache, so a repeated `scan` does not
// compile it again: about 200 ms of the CLI's start on the CI machine, more than the cached build it runs.
// Node 22's module.enableCompileCache() does the same, but the CLI also runs on Node 20.
//
// V8 checks a cache only against the source's length and its own version and flags, so a cache someone
// else could write would be code injection: the folder must be ours and not writable by others, each file
// ours, regular and not group- or world-writable; anything else is ignored and the bundle compiles as
// usual. The file name carries the bundle's SHA-256 and the Node version; older files are removed.






/** Set to 1 (or any non-empty value but 0) to compile the bundle every time. */
const NO_CACHE_ENV = 'LEAST_PRIVILEGE_NO_CODE_CACHE';
const PREFIX = 'bundle-';
const SUFFIX = '.v8';
/** A code cache of the bundle is about 2 MB; anything far larger is not ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Stale files removed per write: the folder holds only what we wrote, one per version. */
const MAX_STALE_REMOVED = 32;
/** `$XDG_CACHE_HOME/least-privilege`, else `~/.cache/least-privilege`; undefined when off or unsafe to use. */
function cacheFolder(options = {}) {
    const env = options.env ?? process.env;
    const platform = options.platform ?? process.platform;
    const value = env[NO_CACHE_ENV];
    if (value !== undefined && value !== '' && value !== '0')
        return undefined;
    if (platform === 'win32' || typeof process.getuid !== 'function')
        return undefined;
    const xdg = env.XDG_CACHE_HOME;
    const base = xdg && xdg.startsWith('/') ? xdg : (0,external_node_path_namespaceObject.join)(options.home ?? safeHome(), '.cache');
    return base.startsWith('/') ? (0,external_node_path_namespaceObject.join)(base, 'least-privilege') : undefined;
}
function safeHome() {
    try {
        return (0,external_node_os_namespaceObject.homedir)();
    }
    catch {
        return '';
    }
}
/** Ours, not writable by group or others, and of the expected kind (lstat: a symlink is neither). */
function trusted(stats, uid, kind) {
    const rightKind = kind === 'file' ? stats.isFile() : stats.isDirectory();
    return rightKind && stats.uid === uid && (stats.mode & 0o022) === 0;
}
function readTrusted(file, uid) {
    let fd;
    try {
        // O_NOFOLLOW: a symlink planted under the file's name is refused by the kernel, not followed.
        fd = (0,external_node_fs_namespaceObject.openSync)(file, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW);
        const stats = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        if (!trusted(stats, uid, 'file') || stats.size > MAX_CACHE_BYTES)
            return undefined;
        return (0,external_node_fs_namespaceObject.readFileSync)(fd);
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/** The folder, created 0700 when missing; undefined when it exists but is not safely ours. */
function ensureFolder(folder, uid) {
    try {
        (0,external_node_fs_namespaceObject.mkdirSync)(folder, { recursive: true, mode: 0o700 });
        return trusted((0,external_node_fs_namespaceObject.lstatSync)(folder), uid, 'dir') ? folder : undefined;
    }
    catch {
        return undefined;
    }
}
function writeCache(folder, name, data) {
    const file = (0,external_node_path_namespaceObject.join)(folder, name);
    const temp = `${file}.${process.pid}.tmp`;
    try {
        (0,external_node_fs_namespaceObject.writeFileSync)(temp, data, { mode: 0o600, flag: 'wx' });
        (0,external_node_fs_namespaceObject.renameSync)(temp, file);
    }
    catch {
        (0,external_node_fs_namespaceObject.rmSync)(temp, { force: true });
        return;
    }
    let removed = 0;
    for (const entry of (0,external_node_fs_namespaceObject.readdirSync)(folder)) {
        if (removed >= MAX_STALE_REMOVED)
            break;
        if (entry !== name && entry.startsWith(PREFIX) && entry.endsWith(SUFFIX)) {
            (0,external_node_fs_namespaceObject.rmSync)((0,external_node_path_namespaceObject.join)(folder, entry), { force: true });
            removed++;
        }
    }
}
/**
 * Runs the CommonJS file as `require` would (its own `require`, `module`, `__dirname`) and reports what
 * the cache did. A missing or rejected cache is written when the process exits, after the run, so it holds
 * the functions the scan compiled too.
 */
function requireWithCodeCache(file, options = {}) {
    const bytes = (0,external_node_fs_namespaceObject.readFileSync)(file);
    const source = bytes.toString('utf8');
    const uid = options.uid ?? process.getuid?.() ?? -1;
    const folder = cacheFolder(options);
    const key = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(process.versions.v8).update('\0').update(bytes).digest('hex');
    const name = `${PREFIX}${key.slice(0, 32)}-${process.arch}${SUFFIX}`;
    const usable = folder === undefined ? undefined : ensureFolder(folder, uid);
    const cachedData = usable === undefined ? undefined : readTrusted((0,external_node_path_namespaceObject.join)(usable, name), uid);
    // One line, as Node's own wrapper: the bundle's line numbers stay as they are in the file.
    const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
    const script = new external_node_vm_namespaceObject.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    const state = usable === undefined
        ? 'off'
        : cachedData && !script.cachedDataRejected
            ? 'hit'
            : cachedData
                ? 'rejected'
                : 'written';
    if (usable !== undefined && state !== 'hit') {
        process.once('exit', () => {
            try {
                writeCache(usable, name, script.createCachedData());
            }
            catch {
                // A cache is an optimisation: a full disk or a read-only home only costs the next start.
            }
        });
    }
    const module = { exports: {}, filename: file, id: file, loaded: false };
    const run = script.runInThisContext();
    run.call(module.exports, module.exports, (0,external_node_module_namespaceObject.createRequire)(file), module, file, (0,external_node_path_namespaceObject.dirname)(file));
    module.loaded = true;
    return state;
}

;// CONCATENATED MODULE: ./src/cli/tokens.ts
// Splits `least-privilege ...` argv into the command and its options, with no I/O and no imports beyond
// errors: the lazy entry (./index.ts) answers --help, --version and flag mistakes with it before the
// scanner is loaded, and args.ts reads the same tokens, so both always agree.

const OPTIONS = {
    '--no-build': { value: false },
    '--image': { value: true },
    '--run-options': { value: true, dashValue: true },
    '--deployment': { value: true },
    '--exclude': { value: true },
    '--no-gitignore': { value: false },
    '--config': { value: true },
    '--probe': { value: true },
    '--sarif': { value: true },
    '--sarif-category': { value: true },
    '--format': { value: true },
    '--fail-on': { value: true },
    '--baseline': { value: true },
    '--target': { value: true },
    '--context': { value: true },
    '--build-arg': { value: true },
    '--keep-image': { value: false },
    '--suggest': { value: false },
    '--probe-timeout': { value: true },
    '--build-timeout': { value: true },
    '--jobs': { value: true },
    '--repo-root': { value: true },
    '--only-target': { value: true },
    '--json': { value: false },
    '--color': { value: false },
    '--no-color': { value: false },
    '-h': { value: false },
    '--help': { value: false },
    '--version': { value: false }
};
const COMMANDS = ['scan', 'targets'];
/** Optimal-string-alignment distance (a swap of two letters is one edit); inputs are short, bounded by the caller. */
function distance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [
        i,
        ...Array(b.length).fill(0)
    ]);
    for (let j = 1; j <= b.length; j++)
        d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
/** The known word closest to `typed`, when it is close enough to be a typo: a few edits, or a prefix either way. */
function suggestion(typed, known) {
    if (typed.length > 64)
        return undefined;
    const bare = (s) => s.replace(/^-+/, '').toLowerCase();
    const word = bare(typed);
    if (word.length < 2)
        return undefined;
    let best;
    for (const name of known) {
        const candidate = bare(name);
        if (candidate.length < 2)
            continue;
        let score = distance(word, candidate);
        // `--form` for --format, `--sarif-file` for --sarif: a prefix is nearly as good as one edit.
        if (word.length >= 3 && (candidate.startsWith(word) || word.startsWith(candidate)))
            score = Math.min(score, 1.5);
        const limit = candidate.length > 8 ? 3 : 2;
        if (score <= limit && (!best || score < best.score))
            best = { name, score };
    }
    return best?.name;
}
function unknownOption(name) {
    const near = suggestion(name, Object.keys(OPTIONS));
    return new UsageError(`unknown option ${name}${near ? `: did you mean ${near}?` : ''} (see --help)`);
}
/** Whether `arg` is one of our own options (`--format` or `--format=json`). */
function isOwnOption(arg) {
    const eq = arg.indexOf('=');
    return Object.hasOwn(OPTIONS, eq > 0 ? arg.slice(0, eq) : arg);
}
/** The value after `name` in the separate form, or a one-line error naming `name`. */
function separateValue(name, spec, next) {
    if (next === undefined)
        throw new UsageError(`${name} needs a value (see --help)`);
    // "-" is a value (stdin for --deployment); so is a negative number (refused later as out of range).
    const looksLikeFlag = next.startsWith('-') && next !== '-' && !/^-\d/.test(next);
    if (looksLikeFlag && (!spec.dashValue || isOwnOption(next))) {
        const what = isOwnOption(next) ? `the option ${next.split('=')[0]}` : `"${next.slice(0, 60)}"`;
        throw new UsageError(`${name} needs a value, but got ${what} (a value starting with "-" is written ${name}=VALUE)`);
    }
    return next;
}
/**
 * The command and, for `scan`, its options and paths in order. `-h`/`--help` (or `--version`) among the
 * options answers at once, as far as the options before it are well formed.
 */
function commandOf(argv) {
    const first = argv[0];
    if (first === undefined || first === '-h' || first === '--help' || first === 'help')
        return { kind: 'help' };
    if (first === '--version' || first === 'version')
        return { kind: 'version' };
    if (first !== 'scan' && first !== 'targets') {
        const near = first.startsWith('-') ? undefined : suggestion(first, COMMANDS);
        const hint = near ? `did you mean "${near}"?` : 'expected "scan" or "targets"';
        throw new UsageError(`unknown command "${first.slice(0, 60)}": ${hint} (see --help)`);
    }
    const tokens = [];
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '--') {
            // A loop, not push(...): xargs can pass more paths than a call has room for arguments.
            for (const path of args.slice(i + 1))
                tokens.push({ kind: 'path', value: path });
            break;
        }
        if (!arg.startsWith('-') || arg === '-') {
            tokens.push({ kind: 'path', value: arg });
            continue;
        }
        const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
        if (!spec)
            throw unknownOption(name);
        if (name === '-h' || name === '--help')
            return { kind: 'help' };
        if (name === '--version')
            return { kind: 'version' };
        if (!spec.value) {
            if (eq > 0)
                throw new UsageError(`${name} takes no value`);
            tokens.push({ kind: 'option', name });
        }
        else if (eq > 0) {
            tokens.push({ kind: 'option', name, value: arg.slice(eq + 1) });
        }
        else {
            tokens.push({ kind: 'option', name, value: separateValue(name, spec, args[++i]) });
        }
    }
    return { kind: first, tokens };
}

;// CONCATENATED MODULE: ./src/cli/usage.ts
// The help text, in a module of its own: the lazy entry (./index.ts) prints it without loading the scanner.
const USAGE = `Usage: least-privilege scan [options] PATH...
       least-privilege targets [--json] [options] PATH...
       least-privilege --version

Judges Dockerfiles and their deployment flags against five least-privilege
principles, builds each image and measures a probe container on the local
Docker daemon. PATH is a Dockerfile or a folder to search. \`targets\` lists
the targets (Dockerfile x deployment) those options give, one per line with
its id, or with --json as {"include": [...]} for a GitHub strategy.matrix
(at most 256); no daemon is used.

Options:
  --no-build                 static checks only (no daemon needed)
  --image REF                probe an existing image instead of building
                             (one Dockerfile)
  --run-options "FLAGS"      the deployment's docker run flags,
                             e.g. "--cap-drop ALL --read-only"
  --deployment FILE          a compose file or Kubernetes manifest
                             (repeatable; - reads a manifest from stdin)
  --exclude GLOB             leave out of folder searches what matches GLOB,
                             relative to the repository root (repeatable;
                             adds to the config file's exclude: list)
  --no-gitignore             also search what .gitignore files ignore
  --config FILE              the config file
                             [.least-privilege.yml or .yaml at the repository root]
  --probe auto|true|false    probe after building (auto: when a daemon answers)
  --sarif FILE               write SARIF 2.1.0 to FILE
  --sarif-category NAME      code-scanning category of the SARIF run, so two
                             scans of one repository keep apart  [least-privilege/]
  --format text|json|markdown|sarif
                             what stdout gets (sarif: the SARIF log)  [text]
  --fail-on error|warning|note|never
                             exit 1 when a finding is at or above this  [error]
  --baseline REF             fail only on findings new since git commit REF
                             (the same paths there, read statically)
  --target STAGE             build and judge this stage instead of the last
  --context DIR              build context  [the Dockerfile's folder]
  --build-arg KEY=VALUE      build argument (repeatable)
  --keep-image               keep built images after the scan
  --suggest                  find and verify a least-privilege profile per
                             measured target (runs the workload a few times)
  --probe-timeout SECONDS    upper bound for one probe container  [30]
  --build-timeout SECONDS    upper bound for one image build  [900]
  --jobs N                   targets built and measured at once, 1..64
                             [the number of CPUs]
  --only-target ID           scan only the target with this id (from
                             \`targets\`); SARIF category least-privilege/ID/
  --repo-root DIR            paths in reports and SARIF are relative to DIR
                             [the scanned path's git top-level]
  --color, --no-color        force or disable colour
                             (NO_COLOR and FORCE_COLOR are honoured)
  -h, --help                 show this help
  --version                  print the version

A value that starts with "-" is given as --option=VALUE.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it
(with --baseline: new findings at or above it),
2 usage or operational error.`;

;// CONCATENATED MODULE: ./src/cli/index.ts
// The CLI's entry, bundled on its own into dist/cli/index.js (the package's `bin`). It answers --help,
// --version and mistyped flags from ./tokens and ./usage alone; `scan` and `targets` load the full bundle
// (dist/index.js, with dockerode), so help starts about as fast as Node itself and dockerode ships once.
// The bundle is loaded through a V8 code cache (./code-cache), so a repeated scan does not compile it again.






function loadScanner() {
    // src/index.ts reads this flag and runs the CLI instead of the action.
    ;
    globalThis.__leastPrivilegeCli = true;
    // Loaded from disk beside this file (dist/cli/ -> dist/index.js), never bundled in.
    requireWithCodeCache((0,external_node_path_namespaceObject.join)(__dirname, '..', 'index.js'));
}
function quick(argv) {
    try {
        const command = commandOf(argv);
        if (command.kind === 'help')
            process.stdout.write(`${USAGE}\n`);
        else if (command.kind === 'version')
            process.stdout.write(`least-privilege ${TOOL_VERSION}\n`);
        else
            return false;
        process.exitCode = 0;
    }
    catch (error) {
        process.stderr.write(`least-privilege: ${describeError(error)}\n`);
        process.exitCode = 2;
    }
    return true;
}
if (!quick(process.argv.slice(2)))
    loadScanner();

module.exports = __webpack_exports__;
/******/ })()
;