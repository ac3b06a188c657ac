/**
 * Legend entries in the page's text colour: recharts colours each legend text like its series,
 * and a series colour that reads as a bar or a line (3:1 against white is enough for graphics)
 * is too light for text (4.5:1). The coloured marker beside the text still says which series it is.
 */
export const chartTextColour = '#1a1a1c';

export function legendText(value: string) {
  return <span style={{ color: chartTextColour }}>{value}</span>;
}
