// Tool identity used in SARIF, reports and rule links.
export const TOOL_NAME = 'least-privilege'
export const TOOL_VERSION = '0.1.0'
export const REPO_URL = 'https://github.com/least-privilege/least-privilege'
export const RULE_DOCS_BASE = `${REPO_URL}/blob/main/docs/rules`
/** Label put on every container and image the tool creates, so they can always be found and removed. */
export const RESOURCE_LABEL = 'io.least-privilege.run'
