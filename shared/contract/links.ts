// Methods and events of the links domain. Filled by the issue that builds links.
export const linksMethods = {};
export const linksEvents = {};
