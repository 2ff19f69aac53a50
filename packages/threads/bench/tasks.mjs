import { defineTasks } from "@offloop/core";

export default defineTasks(import.meta.url, {
  add(a, b) {
    return a + b;
  },
});
