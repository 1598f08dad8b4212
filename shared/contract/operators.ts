// Methods and events of the operators domain. Filled by the issue that builds operators.
export const operatorsMethods = {};
export const operatorsEvents = {};
