import { createServiceCanvas, defaultRulesets, type TCanvasFieldKey } from '@psbook/core';

/** The key items (重要項目) of the default service-canvas ruleset, which the demo server runs. */
const keyItems = new Set<TCanvasFieldKey>(createServiceCanvas(defaultRulesets['service-canvas'].content).keyItems);

export const isKeyItem = (key: TCanvasFieldKey): boolean => keyItems.has(key);
