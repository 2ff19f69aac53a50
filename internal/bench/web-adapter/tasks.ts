import { defineTasks } from "@offloop/core";
export default defineTasks(import.meta.url, {
  add(a: number, b: number): number {
    return a + b;
  },
});
