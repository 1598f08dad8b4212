// Methods and events of the settings domain. Filled by the issue that builds settings.
export const settingsMethods = {};
export const settingsEvents = {};
