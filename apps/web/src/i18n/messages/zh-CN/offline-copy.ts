// 首次同步进度与本浏览器存储空间的简体中文文字；属于 zh-CN.ts。
import type { Messages } from '../en';

const offlineCopy: Messages['offlineCopy'] = {
  downloading: '正在下载 {done} / {total}',
  downloadingCount: '正在下载 {done}',
  progressLabel: '首次下载离线副本',
  timeLeft: '剩余约 {time}',
  lessThanMinute: '不到 1 分钟',
  minutes: '{n} 分钟 | {n} 分钟',
  hours: '{hours} 小时 {minutes} 分钟',
  collectionProgress: '{done} / {total}',
  listSeparator: '、',
  storage: {
    heading: '本浏览器的存储空间',
    used: '已用 {used}，共可用 {quota}',
    unknown: '此浏览器未提供已用空间的信息。',
    persistence: {
      granted: '已获准长期保存：浏览器不会为腾出空间而清除你的离线副本。',
      'not-granted': '未获准长期保存：空间不足时，浏览器可能清除你的离线副本，尚未上传的修改可能丢失。',
      unsupported: '此浏览器无法保证长期保存你的离线副本。',
    },
    askPersistence: '申请长期保存',
    full: '此设备的存储空间已满：{collections}已停止下载，离线副本仍可正常使用。请释放空间或减少离线保存的仓库，然后点击“重试”。',
    retry: '重试',
  },
  units: { B: 'B', KB: 'KB', MB: 'MB', GB: 'GB' },
};

export default offlineCopy;
