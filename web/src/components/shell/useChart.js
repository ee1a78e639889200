// The ECharts set-up every chart page shares: the echarts parts they draw with, one chart on the
// template's element once mounted, the Chinese font, resizing with the window and disposal when
// the component goes. `build()` returns the chart's option, or null while there is nothing to draw.
import { onMounted, onUnmounted, ref } from 'vue'
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer])

const FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'

export function useChart(build) {
  const el = ref(null)
  let chart = null

  // Draws the option from build() afresh (not merged with the last one).
  function draw() {
    if (!chart) return
    const option = build()
    if (option) chart.setOption({ textStyle: { fontFamily: FONT }, ...option }, true)
  }

  function resize() {
    if (chart) chart.resize()
  }

  onMounted(() => {
    chart = echarts.init(el.value)
    draw()
    window.addEventListener('resize', resize)
  })
  onUnmounted(() => {
    window.removeEventListener('resize', resize)
    if (chart) chart.dispose()
    chart = null
  })
  return { el, draw, resize }
}
