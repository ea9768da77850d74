"""English texts. Placeholders in braces; `zh.py` has the same keys and placeholders."""

TEXTS: dict[str, str] = {
    # command menu and /help
    "cmd.join": "Join your household: /join <unit> [owner|tenant]",
    "cmd.me": "Your communities, units and roles",
    "cmd.leave": "Leave a household",
    "cmd.lang": "Language: 中文 / English",
    "cmd.help": "What you can do here",
    "cmd.members": "Verified households per building",
    "cmd.setup": "Set this group up as a community: /setup <name>",
    "cmd.units": "Import the unit register (CSV)",
    "cmd.codes": "Letterbox verification codes (sent privately)",
    "cmd.role": "Give a member a role (reply to their message)",
    "help.header": "What you can do:",
    "help.footer_private": (
        "To join your household, open the link from your community group, or use the code "
        "from your letterbox: /join <unit> <code>."
    ),
    "help.footer_group": "Join your household here with /join <unit>, e.g. /join 3-2-501.",
    "start.join_context": (
        "You are joining {community}. Tap your building below, or type /join <unit> [owner|tenant], "
        "e.g. /join 3-2-501. A building rep will check it; with the code from your letterbox it is "
        "at once: /join 3-2-501 ABCD-EFGH."
    ),
    "start.unknown_link": "This link is not valid any more. Ask in your community group for a new one.",
    # common answers
    "common.group_only": "Please send this in your community group.",
    "common.not_set_up": (
        "This group is not set up as a community yet. An administrator can send /setup <name>."
    ),
    "common.stale_button": "This button is no longer valid.",
    "common.slow_down": "Slow down a little: too many presses or messages at once. Try again in a few seconds.",
    "common.open_private": "Open a private chat with me",
    "common.start_private_first": (
        "I cannot write to you privately yet. Open a private chat with me (button below), "
        "press Start, then try again here."
    ),
    "common.unknown_command": "I don't know {command}. Send /help to see what you can do.",
    "common.use_commands": "I work with commands and buttons. Send /help to see what you can do.",
    "error.generic": "Sorry, something went wrong on my side. What was already saved stays saved; please check before you try again.",
    # usage lines
    "usage.setup": "Usage: /setup <community name>, e.g. /setup Sunny Garden",
    "usage.units": (
        "Send the unit register as a CSV file with the caption /units (or reply /units to the file). "
        "Columns: unit,building,area_m2,owner and optionally owner_phone (lets owners verify "
        "by sharing their phone)"
    ),
    "usage.join": (
        "Usage: /join <unit> [owner|tenant], e.g. /join 3-2-501 tenant. "
        "With the code from your letterbox, in a private chat: /join 3-2-501 ABCD-EFGH"
    ),
    "usage.role": (
        "Usage: reply to the member's message with /role <admin|committee|rep|developer-agent|resident> [buildings], "
        "e.g. /role rep 1,2 — or /role <user id> <role> [buildings]"
    ),
    "usage.lang": "Usage: /lang zh or /lang en",
    # setup
    "setup.greeting": (
        "Hello! I am the community bot: residents join their households here, and later vote, "
        "report repairs and read notices.\n"
        "An administrator of this group: send /setup <community name>.\n"
        "Please make me an administrator of the group so that I can pin results."
    ),
    "setup.welcome_back": "Hello again, {name}! Everything is as it was.",
    "setup.in_group_only": "Send /setup <name> in the group chat you want to set up as a community.",
    "setup.not_admin": "Only the group's creator or an administrator can set it up.",
    "setup.name_too_long": "That name is too long (at most {max} characters).",
    "setup.done": (
        "This group is now the community “{name}”.\n"
        "Next: send the unit register as a CSV with the caption /units "
        "(columns unit,building,area_m2,owner); then residents join with /join <unit>."
    ),
    "setup.renamed": "The community “{old}” is now called “{name}”.",
    # unit register
    "units.not_admin": "Only an administrator can import the unit register.",
    "units.file_too_large": "The file is too large (at most {max_mb} MB). Nothing was changed.",
    "units.not_utf8": (
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”. Nothing was changed."
    ),
    "units.unreadable": "I could not read this file as CSV. Nothing was changed.",
    "units.empty_file": "The file is empty. Nothing was changed.",
    "units.wrong_header": ("The first row must be exactly: {expected}. Nothing was changed."),
    "units.too_many_rows": "The file has too many rows (at most {max_rows}). Nothing was changed.",
    "units.no_rows": "The file has a header but no units. Nothing was changed.",
    "units.bad_rows": "{count} bad rows; nothing was changed. Fix them and send the file again:",
    "units.row_error": "line {line}: {problem}",
    "units.more_problems": "… and {count} more",
    "units.problem.missing_field": "“{detail}” is empty",
    "units.problem.bad_area": "area “{detail}” is not a number of m² (up to 2 decimals)",
    "units.problem.negative_area": "area “{detail}” must be greater than 0",
    "units.problem.duplicate_unit": "unit {detail} appears twice (unit@first line)",
    "units.problem.wrong_columns": "expected 4 columns, found {detail}",
    "units.imported": (
        "Unit register saved: {units} units in {buildings} buildings, {owners} owners by headcount "
        "(the developer's {developer_units} unsold units count as one), total area {area}.\n"
        "New {added}, changed {updated}, removed {removed}."
    ),
    "units.kept_missing": (
        "Not in the file but still inhabited, so kept until their residents leave: {units}"
    ),
    # joining
    "join.unknown_unit": "There is no unit {unit} in the register. Check the number, e.g. 3-2-501.",
    "join.already_verified": "You are already a verified resident of {unit}.",
    "join.already_pending": "You have already asked to join {unit}; a building rep will answer soon.",
    "join.which_community": (
        "Which community? Open the link from your community group (send /join there), or use the "
        "code from your letterbox: /join <unit> <code>."
    ),
    "join.code_in_private": (
        "Please send codes only in a private chat with me, so that nobody else sees them."
    ),
    "join.card": "Join request: {name} asks to join {unit} (building {building}) as {relation}.",
    "join.card_pending": "An administrator or a rep of building {building} can approve it.",
    "join.card_verified": "✅ Approved by {by}, {at}.",
    "join.card_rejected": "❌ Rejected by {by}, {at}.",
    "join.approve": "✅ Approve",
    "join.reject": "❌ Reject",
    "join.requested_private": (
        "Your request to join {unit} in {community} was sent to the building reps. "
        "I will tell you the answer here."
    ),
    "join.verified_by_code": "✅ Verified: you are now a resident of {unit} in {community}.",
    "join.request_not_found": "This request does not exist in this community.",
    "join.not_reviewer": "Only administrators and the reps of building {building} can decide this.",
    "join.decided_verified": "Already approved by {by}.",
    "join.decided_rejected": "Already rejected by {by}.",
    "join.decided_left": "This resident has left already ({by}).",
    "join.answer_verified": "Approved: {unit}",
    "join.answer_rejected": "Rejected: {unit}",
    "join.outcome_verified": "✅ Your request to join {unit} in {community} was approved. Welcome!",
    "join.outcome_rejected": (
        "❌ Your request to join {unit} in {community} was not approved. "
        "Please talk to your building rep."
    ),
    "join.how_in_group": (
        "To join your household: type /join <unit> here, e.g. /join 3-2-501 (add “tenant” if you rent), "
        "or tap the button to choose your unit with buttons in a private chat."
    ),
    "join.pick_building": "{community}: which building do you live in?",
    "join.building_button": "Building {building}",
    "join.pick_unit": "Building {building}: which is your unit?",
    "join.pick_relation": "{unit}: do you own it or rent it?",
    "join.pick_owner": "🏠 I am the owner",
    "join.pick_tenant": "🔑 I rent it (tenant)",
    "join.no_register": "{community} has no unit register yet. Please ask an administrator.",
    "common.back": "◀ Back",
    "common.next": "Next ▶",
    "common.previous": "◀ Previous",
    # verification codes
    "code.wrong": "That code is not right for this unit. Attempts left: {left}.",
    "code.throttled": "Too many wrong codes. Please try again in {minutes} minutes.",
    "code.used_up": (
        "This code has been used {max} times already. Ask your building rep to approve you instead."
    ),
    "codes.not_admin": "Only an administrator can issue verification codes.",
    "codes.no_register": "Import the unit register first (/units).",
    "codes.caption": (
        "{count} verification codes for {community}: print them and put each in its letterbox. "
        "A code serves up to 4 residents of its unit."
    ),
    "codes.regenerated": "New code for {unit} in {community}: {code}. The old code no longer works.",
    "codes.sent_privately": "I have sent the codes to you in a private chat.",
    "codes.start_private_first": (
        "Codes are sent only privately. Open a private chat with me (button below), press Start, "
        "then send /codes here again."
    ),
    # profile, leaving, members, roles
    "me.nothing": "You are not a member of any community yet. Send /join <unit> in your community group.",
    "me.header": "Your communities:",
    "me.community": "🏘 {name}",
    "me.role": "Role: {role}",
    "me.unit": "  {unit} — {relation}, {status}",
    "status.pending": "waiting for approval",
    "status.verified": "verified",
    "status.rejected": "rejected",
    "status.left": "left",
    "relation.owner": "owner",
    "relation.tenant": "tenant",
    "role.admin": "administrator",
    "role.committee": "committee member",
    "role.rep": "building rep",
    "role.resident": "resident",
    "role.developer-agent": "developer's agent (votes the unsold units)",
    "role.rep_of": "{role} of building(s) {buildings}",
    "role.not_admin": "Only an administrator can give roles.",
    "role.rep_needs_buildings": "Which buildings? e.g. /role rep 1,2",
    "role.unknown_buildings": "These buildings are not in the register: {buildings}",
    "role.buildings_only_for_rep": "Only reps have buildings. Leave them out for this role.",
    "role.done": "{name} is now {role}.",
    "leave.nothing": "You have no household to leave here.",
    "leave.choose": "Which household do you want to leave?",
    "leave.button": "Leave {unit} · {community}",
    "leave.done": "You have left {unit} in {community}.",
    "leave.not_found": "This is not one of your households.",
    "leave.already_left": "You have already left {unit}.",
    "members.not_allowed": "Only administrators and building reps can list the households.",
    "members.header": "Verified households of {community}:",
    "members.building": "Building {building} ({households} households)",
    "members.none": "none yet",
    "members.sent_privately": "The list is long: I have sent it to you in a private chat.",
    # language
    "lang.name": "English",
    "lang.choose": "Choose a language / 选择语言:",
    "lang.user_set": "I will speak English with you.",
    "lang.community_set": "The community {name} now uses English.",
    "lang.group_not_admin": "Only an administrator can change the community's language.",
    # topics
    "cmd.propose": "Propose a topic: /propose <title> (details on the next lines)",
    "cmd.topics": "Topics and their status",
    "cmd.vote": "Start a vote: /vote <topic number | question> [rule] [duration]",
    "cmd.close": "Close a vote now: /close <vote number>",
    "cmd.result": "Figures of a vote: /result <vote number>",
    "cmd.remind": "Remind those who have not voted: /remind <vote number>",
    "cmd.export": "Ballots as CSV, privately: /export <vote number>",
    "cmd.verify": "Check a vote's tamper-evident record: /verify <vote number>",
    "cmd.settings": "Community settings: /settings support_threshold <n>",
    "usage.propose": "Usage: /propose <title>, details on the next lines, e.g. /propose Install bike racks by the north gate",
    "usage.vote": (
        "Usage: /vote <topic number | question> [simple|two-thirds|double-majority|double-three-quarters] "
        "[30m|12h|3d] [building <b>] [secret], e.g. /vote 4 double-majority 7d"
    ),
    "usage.vote_number": "Usage: /{command} <vote number>, e.g. /{command} 3",
    "usage.settings": "Usage: /settings support_threshold <n> | response_time <30m|24h|3d> | plan_time <3d> | notice_days <days> | publication_days <days>. Now: support threshold {threshold} households; respond within {response}, resolve within {plan}; Civil Code votes announced {notice} days ahead, results published for objections {publication} days.",
    "topics.not_resident": "Only verified residents of this community can propose topics. Join first with /join.",
    "topics.too_long": "Too long: the title may have at most {title} characters and the details {details}.",
    "topics.card": "📝 Topic #{number}: {title}\n{details}Proposed by {name}\nSupport: {supports} / {threshold} households · {status}",
    "topics.support": "👍 Support",
    "topics.not_found": "This topic does not exist in this community.",
    "topics.no_such_number": "There is no topic #{number} here. /topics lists them.",
    "topics.support_closed": "Topic #{number} no longer takes supports.",
    "topics.support_not_resident": "Only verified residents can support topics. Join first with /join.",
    "topics.supported": "You support this topic (household {household}). Press again to withdraw.",
    "topics.withdrawn": "Your support is withdrawn (household {household}).",
    "topics.reached": "📣 Topic #{number} “{title}” has the support of {supports} households and is now in discussion.",
    "topics.none": "No topics yet. Propose one with /propose <title>.",
    "topics.list_header": "Topics of {community}:",
    "topics.list_item": "#{number} {title} — {status} ({supports} 👍)",
    "topic_status.proposed": "gathering support",
    "topic_status.discussion": "in discussion",
    "topic_status.voting": "being voted on",
    "topic_status.passed": "passed",
    "topic_status.rejected": "rejected",
    "topic_status.no_quorum": "no quorum",
    "settings.not_admin": "Only an administrator can change the settings.",
    "settings.bad_threshold": "The threshold must be a whole number from 1 to {max}.",
    "settings.done": "Support threshold: {threshold} households.",
    # votes
    "votes.not_committee": "Only committee members and administrators can start or close votes.",
    "votes.topic_not_in_discussion": "Topic #{number} is not in discussion, so it cannot be put to a vote.",
    "votes.unknown_option": "I don't understand “{value}”. Rules: simple, two-thirds, double-majority, double-three-quarters; durations like 30m, 12h, 3d; building <b>; secret.",
    "votes.bad_duration": "“{value}” is not a duration I accept: use minutes, hours or days such as 30m, 12h or 3d (from 1m to 60d).",
    "votes.question_too_long": "The question is too long (at most {max} characters).",
    "votes.no_register": "Votes under the Civil Code rules need the unit register (owners and areas). Import it first with /units.",
    "votes.unknown_building": "Building {building} is not in the register.",
    "votes.not_found": "This vote does not exist in this community.",
    "votes.no_such_number": "There is no vote #{number} here.",
    "votes.draft_not_yours": "Only the committee member who started this vote can set it up.",
    "votes.already_started": "Vote #{number} has already started.",
    "votes.not_started": "This vote has not started yet.",
    "votes.closed": "Vote #{number} is closed; ballots can no longer be cast or changed.",
    "votes.not_open": "Vote #{number} is not open.",
    "votes.close_not_allowed": "Only committee members and administrators can close votes.",
    "votes.not_resident": "Only verified residents of this community can vote. Join first with /join.",
    "votes.owners_only": "This vote follows the Civil Code rules: only owners vote (tenants do not).",
    "votes.not_in_building": "This vote is for the residents of building {building} only.",
    "votes.remind_not_allowed": "Only committee members, administrators and building reps can send reminders.",
    "votes.export_not_allowed": "Only committee members and administrators can export ballots.",
    "votes.draft": (
        "🗳 New vote #{number}: {question}\n{rule}\nDuration: {duration} · {scope}\n"
        "Choose the rule and the duration, then press Start."
    ),
    "votes.start": "▶ Start the vote",
    "votes.card": "🗳 Vote #{number}: {question}\n{rule}\n{scope}\nCloses {closes} ({left} left)\n\n{tally}",
    "votes.card_closed": "🗳 Vote #{number}: {question}\n{rule}\n{scope}\nClosed {closed}: {outcome}\n\n{tally}",
    "votes.scope_all": "All households of the community",
    "votes.scope_building": "Building {building} only",
    "votes.secret": "secret ballot",
    "votes.for": "👍 For",
    "votes.against": "👎 Against",
    "votes.abstain": "✋ Abstain",
    "votes.tally_households": "For {for_} · Against {against} · Abstain {abstain} (households)\nParticipation: {participants} of {electorate} households ({share})",
    "votes.tally_owners": (
        "For {for_} owners, {for_area}\nAgainst {against} owners, {against_area}\nAbstain {abstain} owners, {abstain_area}\n"
        "Participation: {participants} of {electorate} owners ({share}), {area} of {total_area} ({area_share})"
    ),
    "votes.recorded": "Recorded: {choice} — {units}. You can change it until {until}. Receipt: {receipt}",
    "votes.started": "🗳 Vote #{number} has started. Press a button on the card to vote.",
    "votes.result": "📢 Result of vote #{number}: {question}\n{outcome}\n\n{figures}\n\nBy building: {buildings}\nRecord: {head} (check with /verify {number})",
    "votes.result_open": "🗳 Vote #{number}: {question} — still open, closes {closes}\n\n{figures}\n\nBy building: {buildings}",
    "votes.building_share": "{building}: {voted}/{eligible}",
    "votes.check": "{name}: {value} of {of} ({share}) — needs {bound} {mark}",
    "votes.check.approval": "For among For and Against",
    "votes.check.participation_owners": "Participation by owners",
    "votes.check.participation_area": "Participation by area",
    "votes.check.approval_owners": "Approval by participating owners",
    "votes.check.approval_area": "Approval by participating area",
    "votes.remind_header": "⏰ Vote #{number} “{question}” closes {closes}. Participation by building: {buildings}",
    "votes.remind_private": "⏰ Reminder: vote #{number} “{question}” in {community} closes {closes}. Your household has not voted yet; please vote on the card in the group.",
    "votes.remind_done": "Reminded {sent} residents privately; {unreachable} have not started a chat with me and were skipped.",
    "votes.export_secret": " Secret ballot: choices are left out; totals: For {for_}, Against {against}, Abstain {abstain}.",
    "votes.export_sent": "I have sent the ballots to you in a private chat.",
    "votes.verify_ok": "✅ The record of vote #{number} is intact: {records} entries; the vote, its electorate, the ballots and the result match it. Fingerprint {head}",
    "votes.verify_broken": "❌ The record of vote #{number} does not match from entry {seq} on.",
    "votes.verify_mismatch": "❌ The record of vote #{number} is intact, but the stored ballots differ from it.",
    "votes.verify_empty": "Vote #{number} has no ballots yet.",
    "rule.simple": "Rule: simple majority (passed when For > Against)",
    "rule.two-thirds": "Rule: two-thirds (For ≥ 2/3 of For + Against)",
    "rule.double-majority": "Rule: Civil Code 双过半 — owners only; ≥ 2/3 of owners and of area take part; > 1/2 of them (by owners and by area) approve",
    "rule.double-three-quarters": "Rule: Civil Code 双四分之三 — owners only; ≥ 2/3 of owners and of area take part; ≥ 3/4 of them (by owners and by area) approve",
    "rule.button.simple": "Simple majority",
    "rule.button.two-thirds": "Two-thirds",
    "rule.button.double-majority": "双过半 (Civil Code)",
    "rule.button.double-three-quarters": "双四分之三 (major)",
    "choice.for": "For",
    "choice.against": "Against",
    "choice.abstain": "Abstain",
    "outcome.passed": "PASSED",
    "outcome.rejected": "REJECTED",
    "outcome.no_quorum": "NO QUORUM",
    "duration.days": "{n} d",
    "duration.hours": "{n} h",
    "duration.minutes": "{n} min",
    # repair reports
    "cmd.report": "Report something broken (a guided form with buttons)",
    "cmd.reports": "Open repair tickets (staff) or your own",
    "cmd.ticket": "One ticket with its history: /ticket <number>",
    "cmd.staffchat": "Make this group the staff chat for repair tickets",
    "cmd.cancel": "Cancel what you are filling in",
    "usage.ticket": "Usage: /ticket <number>, e.g. /ticket 3",
    "category.water_electricity": "💧 Water & electricity",
    "category.elevator": "🛗 Elevator",
    "category.common_facilities": "🏢 Common facilities",
    "category.sanitation": "🧹 Sanitation",
    "category.greenery": "🌳 Greenery",
    "category.parking": "🚗 Parking",
    "category.safety": "⚠️ Safety hazard",
    "category.noise": "🔊 Noise",
    "category.other": "📝 Other",
    "ticket_status.reported": "reported",
    "ticket_status.acknowledged": "acknowledged",
    "ticket_status.in_progress": "in progress",
    "ticket_status.resolved": "resolved, waiting for the reporter",
    "ticket_status.reopened": "reopened",
    "ticket_status.closed": "fixed and rated",
    "ticket_status.rejected": "rejected",
    "ticket_event.reported": "reported",
    "ticket_event.me_too": "me too",
    "ticket_event.acknowledge": "acknowledged",
    "ticket_event.start": "work started",
    "ticket_event.resolve": "resolved",
    "ticket_event.reject": "rejected",
    "ticket_event.confirm": "confirmed fixed, rated",
    "ticket_event.reopen": "reopened: not fixed",
    "ticket_event.overdue_response": "not acknowledged in time: escalated",
    "ticket_event.overdue_plan": "not resolved in time: escalated",
    "reports.button.acknowledge": "Acknowledge",
    "reports.button.start": "In progress",
    "reports.button.resolve": "Resolved",
    "reports.button.reject": "Reject",
    "reports.flow.cancel": "✖ Cancel",
    "reports.flow.choose_community": "Which community is it about?",
    "reports.flow.choose_category": "What is broken? Choose a category.",
    "reports.flow.describe": "{category}. Describe the problem in a few words (one message).",
    "reports.flow.photos": "Send up to {max} photos, one at a time, or press Skip.",
    "reports.flow.photo_added": "Photo {count} of at most {max} added. Send another, or press Done.",
    "reports.flow.skip": "Skip",
    "reports.flow.done": "Done",
    "reports.flow.where": "Where is it? Or send a location (📎 → Location).",
    "reports.flow.my_unit": "🏠 My home ({unit})",
    "reports.flow.other_unit": "🚪 Another unit",
    "reports.flow.public_area": "🌳 A public area",
    "reports.flow.which_unit": "Which unit? Send its number, e.g. 3-2-501.",
    "reports.flow.which_place": "Which public area? Describe it in a few words, e.g. “north gate lawn”.",
    "reports.flow.confirm": "Please check and submit:\n{summary}",
    "reports.flow.submit": "✅ Submit",
    "reports.flow.duplicate": "There is already an open ticket for this: #{number} {category}, {where}, reported {at} ({affected} households). Add yours to it?",
    "reports.flow.me_too": "🙋 Me too, add me to #{number}",
    "reports.flow.separate": "It is a different problem: report it",
    "reports.flow.cancelled": "Cancelled. Nothing was saved.",
    "reports.flow.interrupted": "Your report was interrupted (the bot was restarted). Nothing was saved; please start again with /report.",
    "reports.flow.use_buttons": "Please use the buttons above, or /cancel.",
    "reports.flow.send_photo": "Please send a picture as a photo (not as a file), or press Done.",
    "reports.flow.photo_too_large": "That photo is too large (at most {max_mb} MB).",
    "reports.flow.nothing_to_cancel": "There is nothing to cancel.",
    "reports.flow.open_private": "Repair reports are filled in privately. Press the button to start.",
    "reports.summary": "{category}\nWhere: {where}\n“{description}”\nPhotos: {photos}",
    "reports.where_unit": "{unit} (building {building})",
    "reports.where_map": "📍 {latitude}, {longitude}",
    "reports.filed": "✅ Ticket #{number} filed. I will tell you here when something happens.",
    "reports.filed_group": "✅ Ticket #{number} filed; staff will follow up.",
    "reports.me_too_done": "✅ Added you to ticket #{number}: {affected} households are now affected. You will get its updates.",
    "reports.card": "🛠 Ticket #{number} · {category}\nWhere: {where}\n“{description}”\nReported by {name} ({household}), {at}\nAffected households: {affected}\nStatus: {status}{deadline}\n\nHistory:\n{history}",
    "reports.deadline_response": "\nRespond by {due}",
    "reports.deadline_plan": "\nResolve by {due}",
    "reports.overdue": " ⚠️ overdue",
    "reports.history_line": "· {at} {event} — {name}{note}",
    "reports.notify": "🛠 Your ticket #{number} ({category}): {status}.{note}",
    "reports.notify_note": " Note: {note}",
    "reports.ask_fixed": "🛠 Ticket #{number} ({category}) is marked resolved. Is it fixed? Rate the work from 1 to 5 stars, or tell us it is not fixed.",
    "reports.not_fixed": "❌ Not fixed",
    "reports.rated": "Thank you! Ticket #{number} is closed with {rating} ⭐.",
    "reports.reopened": "Ticket #{number} is reopened; staff have been told.",
    "reports.reopened_staff": "⚠️ Ticket #{number} was reopened by the reporter: not fixed.",
    "reports.resolved_group": "🛠 Ticket #{number} is marked resolved. {name}, please open a private chat with me to confirm and rate it.",
    "reports.ask_reason": "Reason for rejecting ticket #{number}? Reply to this message.",
    "reports.reason_asked": "Reply to my message with the reason.",
    "reports.done": "Ticket #{number}: {status}.",
    "reports.new_for_staff": "🛠 New repair ticket #{number} in {community}. Staff: please set a staff chat (/staffchat) or open a private chat with me to receive tickets.",
    "reports.escalate_response": "⏰ Ticket #{number} ({category}, {where}) in {community} has not been acknowledged within {time}.",
    "reports.escalate_plan": "⏰ Ticket #{number} ({category}, {where}) in {community} has not been resolved within {time} of being acknowledged.",
    "reports.list_staff": "Open tickets of {community}, oldest first:",
    "reports.list_mine": "Your tickets in {community}:",
    "reports.list_item": "#{number} {category} · {where} · {status} · {age}{overdue}",
    "reports.list_empty": "No tickets here.",
    "reports.age_days": "{n} d old",
    "reports.age_hours": "{n} h old",
    "reports.export_sent": "I have sent the tickets to you in a private chat.",
    "reports.export_caption": "Repair tickets of {community}: {count}.",
    "reports.staffchat_done": "This group is now the staff chat of {community}: new repair tickets will appear here.",
    "reports.staffchat_choose": "You are an administrator of several communities. Send /staffchat <number>: {choices}",
    "reports.staffchat_none": "Send /staffchat here as an administrator of a community (set up with /setup in its main group).",
    "reports.staffchat_not_admin": "Only an administrator of the community can choose its staff chat.",
    "reports.staffchat_is_main": "This is the community's main group. Send /staffchat in a separate group for staff.",
    "reports.not_resident": "Only verified residents can report repairs. Join first with /join.",
    "reports.description_empty": "Please describe the problem in words.",
    "reports.description_too_long": "That is too long ({length} characters; at most {max}). Please make it shorter.",
    "reports.place_empty": "Please describe the place in words.",
    "reports.place_too_long": "Please describe the place more briefly (at most {max} characters).",
    "reports.too_many_photos": "At most {max} photos.",
    "reports.not_found": "This ticket does not exist in this community.",
    "reports.no_such_number": "There is no ticket #{number} here.",
    "reports.not_open": "Ticket #{number} is no longer open.",
    "reports.already_following": "You are already following ticket #{number}.",
    "reports.not_staff": "Only administrators and the reps of this building can handle this ticket.",
    "reports.not_reporter": "Only the resident who reported this ticket can confirm or reopen it.",
    "reports.not_yours": "You can see your own tickets; staff can see all.",
    "reports.reason_needed": "Please give a reason for rejecting.",
    "reports.reason_too_long": "The reason is too long (at most {max} characters).",
    "reports.bad_rating": "Please rate from 1 to 5 stars.",
    "reports.cannot.acknowledge": "This ticket cannot be acknowledged now (it is {status}).",
    "reports.cannot.start": "Work on this ticket cannot start now (it is {status}).",
    "reports.cannot.resolve": "This ticket cannot be resolved now (it is {status}).",
    "reports.cannot.reject": "This ticket cannot be rejected now (it is {status}).",
    "reports.cannot.confirm": "This ticket cannot be confirmed now (it is {status}).",
    "reports.cannot.reopen": "This ticket cannot be reopened now (it is {status}).",
    "reports.which_community": "Send this in your community group, or pick the community with /report.",
    "settings.deadlines_done": "Repair deadlines: respond within {response}, resolve within {plan} of acknowledging.",
    "reports.export_not_admin": "Only an administrator can export the repair tickets.",
    # frozen electorates, paper ballots, receipts, the full record (issue 8)
    "cmd.paper": "Enter paper ballots: /paper <vote> (buttons) or /paper <vote> <unit> <choice>",
    "usage.paper": "Usage: /paper <vote number> to enter paper ballots with buttons, or /paper <vote number> <unit> for|against|abstain, e.g. /paper 3 1-101 for (also 赞成/反对/弃权).",
    "join.still_pending": "Your request to join {unit} is still waiting for a building rep or an administrator. Once it is approved you can vote, support topics and report repairs.",
    "votes.not_in_electorate": "Vote #{number} counts the households and owners registered when it opened; yours was not among them, so you cannot vote in it.",
    "votes.my_ballot_button": "🧾 My ballot",
    "votes.my_ballot": "{units}: {choice} ({source}), receipt {receipt}",
    "votes.my_ballot_none": "You have not voted in vote #{number} yet.",
    "ballot_source.online": "online",
    "ballot_source.paper": "paper ballot",
    "votes.changed_note_online": "🗳 Vote #{number} “{question}”: the ballot of {units} was changed from {previous} to {choice} by {name}. If that is not what your household wants, press your choice on the vote card in the group before {until}.",
    "votes.changed_note_paper": "🗳 Vote #{number} “{question}”: a paper ballot for {units} was entered by {name}: {choice} (before: {previous}). To change it, press your choice on the vote card in the group before {until}.",
    "votes.paper_recorded": "📝 Paper ballot entered for {units} in vote #{number}: {choice}, receipt {receipt}.{previous}",
    "votes.paper_replaces": " It replaces the earlier ballot ({previous}); the voters were told.",
    "votes.paper_note": "📝 Vote #{number} “{question}”: {name} of the committee entered a paper ballot for {units}: {choice}, receipt {receipt}. To change it, press your choice on the vote card in the group before {until}.",
    "votes.paper_which_community": "In which community? Send /paper in the community's group, or here if you have a role in exactly one community.",
    "votes.paper_unknown_choice": "“{value}” is not a choice: use for, against or abstain (赞成, 反对, 弃权).",
    "votes.paper_private_for_secret": "Vote #{number} is secret: send paper ballots to me in a private chat, not in the group.",
    "votes.paper_not_committee": "Only committee members and administrators can enter paper ballots.",
    "votes.paper_not_in_scope": "Unit {unit} is not in the electorate of vote #{number} (check the unit, and the vote's building).",
    "votes.remind_too_soon": "Reminders for vote #{number} were sent less than {hours} hours ago; please wait a little.",
    "votes.remind_unreached": "Vote #{number}: these units have not voted and could not be reached privately (no chat with me, or nobody verified). Please knock on their doors: {units}",
    "votes.verify_problems": "❌ The record of vote #{number} does not match what is stored:",
    "votes.problem.broken": "the chain breaks at entry {detail}",
    "votes.problem.no_open_record": "the opening entry (question, rule, electorate) is missing",
    "votes.problem.open_mismatch": "the vote differs from its opening entry: {detail}",
    "votes.problem.electorate_mismatch": "the stored electorate differs from the one the vote opened with",
    "votes.problem.ballots_mismatch": "stored ballots differ from the record: {detail}",
    "votes.problem.no_close_record": "the vote is closed but its record has no closing entry",
    "votes.problem.close_mismatch": "the published result differs from the closing entry: {detail}",
    "votes.problem.after_close": "entries follow the closing entry: {detail}",
    "votes.verify_legacy": "(This vote opened before electorates were frozen: its record covers the ballots only.)",
    "votes.tally_paper": "of which entered from paper: {paper}",
    "votes.ledger_caption": "📒 Ledger of vote #{number}: every counted ballot by unit, area and receipt (no names). Find yours by the receipt you got when voting. Fingerprint {fingerprint}; full: {head}",
    "ledger.section": "section",
    "ledger.units": "units",
    "ledger.buildings": "buildings",
    "ledger.area_m2": "area_m2",
    "ledger.choice": "choice",
    "ledger.source": "source",
    "ledger.receipt": "receipt",
    "ledger.section_ballots": "ballots",
    "ledger.section_participants": "participants",
    "units.open_votes_kept": "Open votes {numbers} keep the owners, units and areas they opened with; this register counts from the next vote on.",
    # input robustness and exports (issue 8)
    "votes.duration_out_of_bounds": "The duration must be from 1 minute to 60 days.",
    "votes.export_secret_open": "Vote #{number} is a secret ballot and still open: its ballots can be exported only after it closes, and then without the choices.",
    "votes.export_open": "Still open, closes {closes}",
    "votes.export_caption_full": "Ballots of vote #{number}: {question}\n{status}\n\n{figures}\nRecord: {head}",
    "votes.export_col.vote": "Vote",
    "votes.export_col.unit": "Unit",
    "votes.export_col.building": "Building",
    "votes.export_col.owner": "Owner",
    "votes.export_col.area": "Area (m²)",
    "votes.export_col.choice": "Choice",
    "votes.export_col.voter": "Voter",
    "votes.export_col.cast_at": "Time cast",
    # owner verification (issue 8)
    "relation.resident": "resident",
    "join.own_request": (
        "You cannot decide your own request. Another administrator or the building's rep will."
    ),
    "owner.developer_unit": (
        "In the register, {unit} is one of the developer's unsold units: the developer's agent "
        "named by an administrator votes for them, nobody becomes their owner by joining. If you "
        "bought it, ask the committee to update the register; until then join as a resident."
    ),
    "owner.contact_not_own": (
        "This is someone else's contact. Nothing was changed. Press “📱 Share my phone number” "
        "to share your own."
    ),
    "owner.phone_no_match": (
        "This phone number is not an owner's phone in the unit register. Nothing was changed. "
        "Ask for a review as owner instead, or ask the committee to add your phone."
    ),
    "owner.already_owner": "You are already a verified owner of {unit}.",
    "owner.already_pending": "You have already asked to be verified as owner of {unit}.",
    "owner.request_not_found": "This request does not exist in this community.",
    "owner.decided_verified": "Already approved by {by}.",
    "owner.decided_rejected": "Already rejected by {by}.",
    "owner.decided_revoked": "No longer valid: the register has another owner for this unit.",
    "owner.offer": (
        "Are you the owner of {unit}? Owners' matters (Civil Code votes) need a verified owner. "
        "If the committee has your phone number in the register, press “📱 Share my phone "
        "number” below: one tap and you are verified."
    ),
    "owner.share_phone_button": "📱 Share my phone number",
    "owner.review_offer": "Or ask an administrator or your building rep to check it:",
    "owner.review_button": "🏠 Ask for a review as owner of {unit}",
    "owner.card": (
        "Owner check: {name} asks to be verified as owner of {unit} (building {building})."
    ),
    "owner.card_pending": (
        "An administrator or a rep of building {building}, other than the applicant, can approve it."
    ),
    "owner.card_verified": "✅ Verified owner, approved by {by}, {at}.",
    "owner.card_rejected": "❌ Rejected by {by}, {at}.",
    "owner.card_revoked": "No longer valid: the register has another owner for this unit.",
    "owner.card_by_phone": "✅ Verified owner by the phone number in the register, {at}.",
    "owner.requested": (
        "Your request to be verified as owner of {unit} in {community} went to the reviewers. "
        "I will tell you here."
    ),
    "owner.answer_verified": "Verified owner: {unit}",
    "owner.answer_rejected": "Rejected: {unit}",
    "owner.outcome_verified": "✅ You are now a verified owner of {unit} in {community}.",
    "owner.outcome_rejected": (
        "Your request to be verified as owner of {unit} in {community} was rejected. "
        "Ask your building rep if this is a mistake."
    ),
    "owner.verified_by_phone": (
        "✅ Your phone number matches the register: you are now a verified owner of {units}."
    ),
    "owner.self_review_notice": (
        "{name} asks to join {unit} (building {building}) in {community} as owner. As a reviewer "
        "they may not approve their own request: please review it in the group."
    ),
    "owner.method.review": "by review",
    "owner.method.phone": "by phone",
    "me.owner": "  {unit} — verified owner ({how})",
    "me.owner_pending": "  {unit} — owner, waiting for review",
    "units.problem.bad_phone": "owner_phone “{detail}” is not a valid phone number",
    "units.problem.wrong_columns_phone": "expected 5 columns, found {detail}",
    "units.confirm_header": "Please check the owners first; nothing is saved yet:",
    "units.merged": "• {spellings}: written differently, counted as one owner “{owner}”",
    "units.case_variants": "• {keys}: differ only in upper/lower case, counted as different owners",
    "units.confirm_question": "Save the register like this?",
    "units.confirm_button": "✅ Confirm",
    "units.cancel_button": "✖ Cancel",
    "units.cancelled": "Cancelled: the unit register was not changed.",
    "units.draft_gone": "This file is no longer waiting. Please send it again with /units.",
    "units.preview": (
        "The file has {units} units in {buildings} buildings, {owners} owners by headcount "
        "(the developer's {developer_units} unsold units count as one), total area {area}."
    ),
    # notice and publication periods, objections (issue 8)
    "settings.periods_done": "Owners' votes: announced {notice} days before they open; results published {publication} days for objections.",
    "settings.bad_notice": "The notice period is from 0 to {max} days (0: the owners were told another way and the vote opens at once).",
    "settings.bad_publication": "The publication period is from 1 to {max} days.",
    "votes.announcement": "📣 Vote #{number} announced: {question}\n{rule}\n{scope}\nVoting opens {opens} and closes {closes}. Owners are told ahead, as the property regulations require; the buttons appear on this card when it opens.",
    "votes.announced_ok": "📣 Vote #{number} is announced; it opens by itself on its date.",
    "votes.not_announced": "Vote #{number} is not waiting to open.",
    "votes.publication": "Published for objections until {until}: an owner who disagrees can send /object {number} <reason>.",
    "cmd.object": "Object to a published result: /object <vote> <reason>",
    "cmd.objections": "Objections to a vote's result (committee): /objections <vote>",
    "cmd.answer": "Answer an objection: /answer <vote> <objection> <text>",
    "usage.object": "Usage: /object <vote number> <your reason>, e.g. /object 3 My ballot is missing from the ledger.",
    "usage.objections": "Usage: /objections <vote number>",
    "usage.answer": "Usage: /answer <vote number> <objection number> <your answer>",
    "votes.objection_too_long": "That is too long (at most {max} characters).",
    "votes.objection_not_closed": "Vote #{number} has no published result yet to object to.",
    "votes.objection_period_over": "The publication period of vote #{number} is over; objections can no longer be lodged.",
    "votes.objection_not_resident": "Only verified residents of this community can object. Join first with /join.",
    "votes.objection_owners_only": "This vote followed the Civil Code rules: only owners can object to its result.",
    "votes.objection_lodged": "Your objection #{objection} to vote #{number} is recorded; the committee will answer you privately.",
    "votes.objection_to_committee": "⚖️ Objection #{objection} to vote #{number} “{question}” from {name}:\n{text}\nAnswer with /answer {number} {objection} <text>.",
    "votes.objections_not_committee": "Only committee members and administrators can see and answer objections.",
    "votes.objections_none": "No objections to vote #{number}.",
    "votes.objections_header": "Objections to vote #{number} “{question}”:",
    "votes.objection_item": "#{objection} {name}, {at}: {text}\n   → {answer}",
    "votes.objection_unanswered": "not answered yet",
    "votes.no_such_objection": "Vote #{number} has no objection #{objection}.",
    "votes.objection_answered": "Your answer to objection #{objection} is kept with vote #{number}, and the owner was told.",
    "votes.objection_answered_unreached": "Your answer to objection #{objection} is kept with vote #{number}; the owner has no private chat with me, so please tell them.",
    "votes.objection_answer_to_owner": "⚖️ The committee's answer to your objection #{objection} to vote #{number} “{question}”:\n{text}",
    "votes.objections_sent": "I have sent the objections to you in a private chat.",
    "common.which_community": "Please send this in your community's group: you belong to several communities here, or to none yet.",
    # paper ballots with buttons (issue 8)
    "votes.paper_menu_sent": "I have sent you the buttons for entering the paper ballots of vote #{number} in a private chat.",
    "votes.paper_menu_title": "📝 Paper ballots for vote #{number} “{question}”",
    "votes.paper_menu_pick_building": "Which building is the unit on the paper ballot in?",
    "votes.paper_menu_building": "Building {building}",
    "votes.paper_menu_pick_unit": "Building {building}: which unit is the paper ballot for? ✓ marks a ballot that stands.",
    "votes.paper_menu_unit_choice": "{unit} ✓{choice}",
    "votes.paper_menu_unit_voted": "{unit} ✓",
    "votes.paper_menu_pick_choice": "Paper ballot for {units} (now: {now}). What does the paper say?",
    "votes.paper_menu_none": "no ballot",
    "votes.paper_menu_secret": "a ballot stands; secret vote",
    "votes.paper_menu_empty": "Vote #{number} has nobody in its electorate: there are no paper ballots to enter.",
}
