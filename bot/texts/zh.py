"""中文文本。占位符用花括号；与 `en.py` 的键和占位符一一对应。"""

TEXTS: dict[str, str] = {
    # 命令菜单与 /help
    "cmd.join": "加入您的住户：/join <房号> [owner|tenant]",
    "cmd.me": "我的社区、房屋和角色",
    "cmd.leave": "退出住户",
    "cmd.lang": "语言：中文 / English",
    "cmd.help": "我能做什么",
    "cmd.members": "各楼栋已认证的住户",
    "cmd.setup": "把本群设为社区：/setup <名称>",
    "cmd.units": "导入房屋登记表（CSV）",
    "cmd.codes": "信箱验证码（私聊发送）",
    "cmd.role": "设置成员角色（回复该成员的消息）",
    "help.header": "您可以：",
    "help.footer_private": "加入住户：请点开社区群里的链接，或使用信箱里的验证码：/join <房号> <验证码>。",
    "help.footer_group": "在本群发送 /join <房号> 加入您的住户，例如 /join 3-2-501。",
    "start.join_context": (
        "您正在加入{community}。请点下面您住的楼栋，或输入 /join <房号> [owner|tenant]，例如 /join 3-2-501。"
        "楼栋长审核后即可加入；使用信箱里的验证码可立即认证：/join 3-2-501 ABCD-EFGH。"
    ),
    "start.unknown_link": "这个链接已失效，请在社区群里重新获取。",
    # 通用回复
    "common.group_only": "请在社区群里发送此命令。",
    "common.not_set_up": "本群还没有设为社区。请管理员发送 /setup <社区名称>。",
    "common.stale_button": "这个按钮已失效。",
    "common.open_private": "打开与我的私聊",
    "common.start_private_first": "我还不能私聊您。请点下面的按钮打开私聊，点“开始”，然后在这里再试一次。",
    "common.unknown_command": "我不认识 {command}。发送 /help 查看可用的功能。",
    "common.use_commands": "请使用命令和按钮与我交流。发送 /help 查看可用的功能。",
    "error.generic": "抱歉，我这边出了点问题。没有做任何更改，请稍后再试。",
    # 用法
    "usage.setup": "用法：/setup <社区名称>，例如 /setup 阳光花园",
    "usage.units": (
        "请把房屋登记表作为 CSV 文件发送，并附上说明文字 /units（或回复该文件 /units）。"
        "列：unit,building,area_m2,owner"
    ),
    "usage.join": (
        "用法：/join <房号> [owner|tenant]，例如 /join 3-2-501 tenant。"
        "使用信箱验证码（在私聊中）：/join 3-2-501 ABCD-EFGH"
    ),
    "usage.role": (
        "用法：回复该成员的消息 /role <admin|committee|rep|resident> [楼栋]，例如 /role rep 1,2；"
        "或 /role <用户ID> <角色> [楼栋]"
    ),
    "usage.lang": "用法：/lang zh 或 /lang en",
    # 设置社区
    "setup.greeting": (
        "大家好！我是社区机器人：居民在这里认证住户，之后可以投票、报修和阅读通知。\n"
        "请本群管理员发送 /setup <社区名称>。\n"
        "请把我设为群管理员，以便置顶公示结果。"
    ),
    "setup.welcome_back": "又见面了，{name}！一切照旧。",
    "setup.in_group_only": "请在要设为社区的群里发送 /setup <名称>。",
    "setup.not_admin": "只有群主或群管理员可以设置社区。",
    "setup.name_too_long": "名称太长（最多 {max} 个字）。",
    "setup.done": (
        "本群现在是社区“{name}”。\n"
        "下一步：把房屋登记表作为 CSV 文件发送，附上说明文字 /units"
        "（列：unit,building,area_m2,owner）；之后居民用 /join <房号> 加入。"
    ),
    "setup.renamed": "社区“{old}”已更名为“{name}”。",
    # 房屋登记表
    "units.not_admin": "只有管理员可以导入房屋登记表。",
    "units.file_too_large": "文件太大（最多 {max_mb} MB）。没有做任何更改。",
    "units.not_utf8": "文件不是 UTF-8 文本。请在 Excel 中另存为“CSV UTF-8”。没有做任何更改。",
    "units.unreadable": "无法按 CSV 读取此文件。没有做任何更改。",
    "units.empty_file": "文件是空的。没有做任何更改。",
    "units.wrong_header": "第一行必须是：{expected}。没有做任何更改。",
    "units.too_many_rows": "文件行数太多（最多 {max_rows} 行）。没有做任何更改。",
    "units.no_rows": "文件只有表头，没有房屋。没有做任何更改。",
    "units.bad_rows": "有 {count} 行有误，没有做任何更改。请改正后重新发送：",
    "units.row_error": "第 {line} 行：{problem}",
    "units.more_problems": "……还有 {count} 处",
    "units.problem.missing_field": "“{detail}”为空",
    "units.problem.bad_area": "面积“{detail}”不是有效的平方米数（最多两位小数）",
    "units.problem.negative_area": "面积“{detail}”必须大于 0",
    "units.problem.duplicate_unit": "房号 {detail} 重复（房号@首次出现的行）",
    "units.problem.wrong_columns": "应为 4 列，实际 {detail} 列",
    "units.imported": (
        "房屋登记表已保存：{units} 户，{buildings} 栋楼，业主人数 {owners}"
        "（开发商未售出的 {developer_units} 户计为一人），总面积 {area}。\n"
        "新增 {added}，变更 {updated}，删除 {removed}。"
    ),
    "units.kept_missing": "以下房屋不在新文件中，但仍有居民，暂时保留，待居民退出后删除：{units}",
    # 加入住户
    "join.unknown_unit": "登记表中没有房号 {unit}。请核对，例如 3-2-501。",
    "join.already_verified": "您已经是 {unit} 的认证居民。",
    "join.already_pending": "您已申请加入 {unit}，楼栋长会尽快处理。",
    "join.which_community": (
        "要加入哪个社区？请点开社区群里的链接（在群里发送 /join），"
        "或使用信箱里的验证码：/join <房号> <验证码>。"
    ),
    "join.code_in_private": "请只在与我的私聊中发送验证码，以免被他人看到。",
    "join.card": "入户申请：{name} 申请以{relation}身份加入 {unit}（{building} 号楼）。",
    "join.card_pending": "管理员或 {building} 号楼楼栋长可以审核。",
    "join.card_verified": "✅ 已由 {by} 通过，{at}。",
    "join.card_rejected": "❌ 已由 {by} 拒绝，{at}。",
    "join.approve": "✅ 通过",
    "join.reject": "❌ 拒绝",
    "join.requested_private": "您加入{community} {unit} 的申请已发给楼栋长，审核结果会在这里通知您。",
    "join.verified_by_code": "✅ 认证成功：您现在是{community} {unit} 的居民。",
    "join.request_not_found": "本社区没有这条申请。",
    "join.not_reviewer": "只有管理员和 {building} 号楼楼栋长可以审核。",
    "join.decided_verified": "已由 {by} 通过。",
    "join.decided_rejected": "已由 {by} 拒绝。",
    "join.decided_left": "该居民已退出（{by}）。",
    "join.answer_verified": "已通过：{unit}",
    "join.answer_rejected": "已拒绝：{unit}",
    "join.outcome_verified": "✅ 您加入{community} {unit} 的申请已通过。欢迎！",
    "join.outcome_rejected": "❌ 您加入{community} {unit} 的申请未通过，请联系您的楼栋长。",
    "join.how_in_group": (
        "加入住户：在本群输入 /join <房号>，例如 /join 3-2-501（租户请加 tenant），"
        "或点下面的按钮，在私聊中用按钮选择房号。"
    ),
    "join.pick_building": "{community}：您住在哪栋楼？",
    "join.building_button": "{building} 号楼",
    "join.pick_unit": "{building} 号楼：您是哪一户？",
    "join.pick_relation": "{unit}：您是业主还是租户？",
    "join.pick_owner": "🏠 我是业主",
    "join.pick_tenant": "🔑 我是租户",
    "join.no_register": "{community}还没有房屋登记表，请联系管理员。",
    "common.back": "◀ 返回",
    "common.next": "下一页 ▶",
    "common.previous": "◀ 上一页",
    # 验证码
    "code.wrong": "验证码与该房号不符。还可尝试 {left} 次。",
    "code.throttled": "验证码错误次数过多，请 {minutes} 分钟后再试。",
    "code.used_up": "该验证码已使用 {max} 次，请联系楼栋长审核。",
    "codes.not_admin": "只有管理员可以生成验证码。",
    "codes.no_register": "请先导入房屋登记表（/units）。",
    "codes.caption": "{community}的 {count} 个验证码：请打印并投入对应信箱。每个验证码最多供该户 4 位居民使用。",
    "codes.regenerated": "{community} {unit} 的新验证码：{code}。旧验证码已失效。",
    "codes.sent_privately": "验证码已私聊发给您。",
    "codes.start_private_first": "验证码只能私聊发送。请点下面的按钮打开私聊，点“开始”，然后在这里再发送 /codes。",
    # 我的信息、退出、住户名单、角色
    "me.nothing": "您还没有加入任何社区。请在社区群里发送 /join <房号>。",
    "me.header": "我的社区：",
    "me.community": "🏘 {name}",
    "me.role": "角色：{role}",
    "me.unit": "  {unit} — {relation}，{status}",
    "status.pending": "待审核",
    "status.verified": "已认证",
    "status.rejected": "未通过",
    "status.left": "已退出",
    "relation.owner": "业主",
    "relation.tenant": "租户",
    "role.admin": "管理员",
    "role.committee": "业委会成员",
    "role.rep": "楼栋长",
    "role.resident": "居民",
    "role.rep_of": "{buildings} 号楼{role}",
    "role.not_admin": "只有管理员可以设置角色。",
    "role.rep_needs_buildings": "负责哪几栋楼？例如 /role rep 1,2",
    "role.unknown_buildings": "登记表中没有这些楼栋：{buildings}",
    "role.buildings_only_for_rep": "只有楼栋长需要指定楼栋，此角色请不要填写楼栋。",
    "role.done": "{name} 现在是{role}。",
    "leave.nothing": "您在这里没有可退出的住户。",
    "leave.choose": "您要退出哪一户？",
    "leave.button": "退出 {unit} · {community}",
    "leave.done": "您已退出{community} {unit}。",
    "leave.not_found": "这不是您的住户。",
    "leave.already_left": "您已经退出 {unit}。",
    "members.not_allowed": "只有管理员和楼栋长可以查看住户名单。",
    "members.header": "{community}已认证住户：",
    "members.building": "{building} 号楼（{households} 户）",
    "members.none": "暂无",
    "members.sent_privately": "名单较长，已私聊发给您。",
    # 语言
    "lang.name": "中文",
    "lang.choose": "选择语言 / Choose a language:",
    "lang.user_set": "我会用中文和您交流。",
    "lang.community_set": "社区{name}现在使用中文。",
    "lang.group_not_admin": "只有管理员可以更改社区语言。",
}
