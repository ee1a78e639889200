// Work-order pushes on the open page (/api/v1/events): an order handed to me, an order of mine
// urged 催办, an order gone overdue. The pages that list or show orders mount this once and
// refresh what they show.
import { onMounted, onUnmounted } from 'vue'
import { ElNotification } from 'element-plus'
import 'element-plus/es/components/notification/style/css'
import { onEvent } from '../../api/events.js'
import { i18n } from '../../i18n.js'
import { session } from '../../session.js'

const KINDS = {
  'work_order.assigned': { key: 'assigned', type: 'info' },
  'work_order.urged': { key: 'urged', type: 'warning' },
  'work_order.overdue': { key: 'overdue', type: 'error' },
}

export function useWorkOrderNotices(refresh) {
  const stops = []
  onMounted(() => {
    for (const [eventType, kind] of Object.entries(KINDS)) {
      stops.push(onEvent(eventType, (data) => {
        const order = (data && data.work_order) || {}
        const mine = session.user && order.assignee_id === session.user.id
        // Someone else's order reaches this page only as a region audience: no pop-up for that.
        if (mine || eventType === 'work_order.overdue') {
          const { t } = i18n.global
          ElNotification({
            type: kind.type,
            title: t(`workOrders.notices.${kind.key}`),
            message: [order.number, data.note].filter(Boolean).join(' · '),
            duration: 8000,
            customClass: `wo-notice wo-notice-${kind.key}`,
          })
        }
        if (refresh) refresh(order)
      }))
    }
  })
  onUnmounted(() => {
    for (const stop of stops) stop()
  })
}
