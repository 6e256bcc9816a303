// 服务器以数据说明的错误（shared 的 error-details.ts）的中文说法；属于 zh-CN.ts。
import type { Messages } from '../en';

const failures: Messages['failures'] = {
  issues: {
    too_big_characters: '「{field}」太长：最多 {limit} 个字符',
    too_big_items: '「{field}」条目太多：最多 {limit} 项',
    too_big_value: '「{field}」太大：最大为 {limit}',
    too_small_characters: '「{field}」太短：至少 {limit} 个字符',
    too_small_items: '「{field}」至少需要 {limit} 项',
    too_small_value: '「{field}」太小：最小为 {limit}',
    empty: '「{field}」不能为空',
    invalid_type: '「{field}」缺失或类型不对',
    invalid_format: '「{field}」的格式不对',
    invalid_value: '「{field}」只能是以下之一：{values}',
    unrecognized_keys: '无法识别的字段：{values}',
    other: '「{field}」的值无效',
    separator: '；',
    wholeRequest: '请求内容',
  },
  reasons: {
    user_exists: '已有名为「{name}」的用户，请换一个名字。',
    uid_exists: '已存在相同 ID 的{collection}，请换一个 ID。',
    sync_already_running: '该仓库与 {peer} 的同步正在进行中，请等待其完成或先取消。',
    cron_invalid: '「{expression}」不是有效的定时表达式，请使用 5 段格式，例如 "*/15 * * * *"。',
    cron_never_runs: '定时表达式「{expression}」永远不会触发，请选择一个将来会执行的时间。',
    cron_too_frequent: '定时表达式「{expression}」的执行间隔短于 1 分钟；最短间隔为 1 分钟。',
    scopes_invalid: '权限范围只能从以下选择：{allowed}。',
    missing_references: '它引用了服务器上还没有的数据；会先上传那些数据，再重新发送。',
    body_too_large: '内容超出服务器允许的大小（{limit} 字节），请精简后重试。',
    version_mismatch: '你读取之后，有人在服务器上修改了它，本次没有保存。请对照对方的版本后再保存。',
  },
  things: { repository: '仓库', task: '任务', document: '文档' },
};

export default failures;
