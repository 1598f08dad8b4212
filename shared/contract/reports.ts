// Methods and events of the reports domain. Filled by the issue that builds reports.
export const reportsMethods = {};
export const reportsEvents = {};
