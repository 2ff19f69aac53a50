// The median the paired benchmarks report: the middle of the sorted values (the upper middle one
// for an even count, so that it is always a measured value). run.mjs's tables and web-paired.mjs
// average the two middle values instead.
export const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
