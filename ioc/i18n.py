"""Every UI string in Vietnamese and English, and Vietnamese-first number and date formats.

Vietnamese is the first language: a key missing its English text is a bug caught by the tests, and so is a
key missing Vietnamese.
"""

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal, format_percent

from ioc.timeutil import VIETNAM, as_utc

LANGUAGES = ("vi", "en")
LOCALES = {"vi": "vi_VN", "en": "en_GB"}

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"vi": "Trung tâm Điều hành thông minh", "en": "Intelligent Operations Centre"},
    "app.province": {"vi": "Tỉnh {name}", "en": "{name} Province"},
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "language.vi": {"vi": "Tiếng Việt", "en": "Vietnamese"},
    "language.en": {"vi": "Tiếng Anh", "en": "English"},
    "overview.heading": {"vi": "Tổng quan tỉnh", "en": "Province overview"},
    "overview.map_title": {"vi": "Bản đồ đơn vị hành chính cấp huyện", "en": "District-level units"},
    "overview.units": {"vi": "Đơn vị hành chính", "en": "Administrative units"},
    "overview.districts": {"vi": "Huyện, thị xã, thành phố", "en": "Districts, towns and cities"},
    "overview.communes": {"vi": "Xã, phường, thị trấn", "en": "Communes, wards and townships"},
    "overview.area": {"vi": "Diện tích (km²)", "en": "Area (km²)"},
    "overview.collectors": {"vi": "Nguồn dữ liệu", "en": "Data sources"},
    "overview.no_collector_runs": {
        "vi": "Chưa có nguồn dữ liệu nào chạy.",
        "en": "No data source has run yet.",
    },
    "collector.name": {"vi": "Nguồn", "en": "Source"},
    "collector.status": {"vi": "Trạng thái", "en": "Status"},
    "collector.last_success": {"vi": "Lần thành công gần nhất", "en": "Last success"},
    "collector.last_error": {"vi": "Lỗi gần nhất", "en": "Last error"},
    "status.ok": {"vi": "Hoạt động", "en": "Working"},
    "status.failed": {"vi": "Lỗi", "en": "Failed"},
    "status.running": {"vi": "Đang chạy", "en": "Running"},
    "map.attribution": {
        "vi": "Ranh giới hành chính: Cổng TTĐT Chính phủ (gis.chinhphu.vn), qua dự án dvhcvn "
        "(github.com/daohoangson/dvhcvn, GPL-3.0); mã và tên đơn vị hành chính: Tổng cục Thống kê.",
        "en": "Administrative boundaries: Viet Nam Government Portal (gis.chinhphu.vn) via "
        "github.com/daohoangson/dvhcvn (GPL-3.0); unit codes and names: General Statistics Office of Viet Nam.",
    },
    "page.not_found": {"vi": "Không tìm thấy trang", "en": "Page not found"},
    # Signing in, roles and the admin page (docs/security.md)
    "signin.heading": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.username": {"vi": "Tên đăng nhập", "en": "User name"},
    "signin.password": {"vi": "Mật khẩu", "en": "Password"},
    "signin.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin.sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "signin.invalid": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "The user name or password is wrong.",
    },
    "signin.locked": {
        "vi": "Đăng nhập sai quá nhiều lần. Tài khoản tạm khoá, vui lòng thử lại sau {minutes} phút.",
        "en": "Too many failed sign-ins. The account is locked; try again in {minutes} minutes.",
    },
    "signin.form_expired": {
        "vi": "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.",
        "en": "The form has expired. Please sign in again.",
    },
    "signin.too_many": {
        "vi": "Quá nhiều lần thử từ máy này. Vui lòng đợi một phút.",
        "en": "Too many attempts from this machine. Please wait a minute.",
    },
    "refused.heading": {"vi": "Không có quyền truy cập", "en": "Access refused"},
    "refused.message": {
        "vi": "Tài khoản của bạn không có quyền xem trang này.",
        "en": "Your account may not see this page.",
    },
    "refused.kiosk": {
        "vi": "Mã màn hình này không hợp lệ hoặc đã bị thu hồi.",
        "en": "This display's token is not valid or has been revoked.",
    },
    "refused.home": {"vi": "Về trang tổng quan", "en": "Back to the overview"},
    "role.viewer": {"vi": "Lãnh đạo (xem)", "en": "Viewer"},
    "role.analyst": {"vi": "Phân tích", "en": "Analyst"},
    "role.operator": {"vi": "Điều hành", "en": "Operator"},
    "role.admin": {"vi": "Quản trị", "en": "Administrator"},
    "role.kiosk": {"vi": "Màn hình", "en": "Display"},
    "nav.admin": {"vi": "Quản trị", "en": "Administration"},
    "admin.heading": {"vi": "Quản trị truy cập", "en": "Access administration"},
    "admin.users": {"vi": "Người dùng", "en": "Users"},
    "admin.kiosks": {"vi": "Mã màn hình trình chiếu", "en": "Wall display tokens"},
    "admin.apikeys": {"vi": "Khoá API", "en": "API keys"},
    "admin.audit": {"vi": "Nhật ký truy cập", "en": "Audit trail"},
    "admin.name": {"vi": "Tên", "en": "Name"},
    "admin.role": {"vi": "Vai trò", "en": "Role"},
    "admin.state": {"vi": "Trạng thái", "en": "State"},
    "admin.scopes": {"vi": "Phạm vi", "en": "Scopes"},
    "admin.rate_limit": {"vi": "Giới hạn", "en": "Rate limit"},
    "admin.created": {"vi": "Tạo lúc", "en": "Created"},
    "admin.time": {"vi": "Thời điểm", "en": "Time"},
    "admin.event": {"vi": "Sự kiện", "en": "Event"},
    "admin.actor": {"vi": "Người thực hiện", "en": "Actor"},
    "admin.subject": {"vi": "Đối tượng", "en": "Subject"},
    "admin.address": {"vi": "Địa chỉ", "en": "Address"},
    "admin.active": {"vi": "Đang dùng", "en": "Active"},
    "admin.disabled": {"vi": "Đã khoá", "en": "Disabled"},
    "admin.revoked": {"vi": "Đã thu hồi", "en": "Revoked"},
    "admin.revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "admin.revoked_now": {"vi": "Đã thu hồi “{name}”.", "en": "Revoked “{name}”."},
    "admin.cli_hint": {
        "vi": "Tạo người dùng, mã màn hình và khoá API bằng lệnh: ioc user add, ioc kiosk create, ioc apikey create.",
        "en": "Create users, display tokens and API keys on the command line: ioc user add, ioc kiosk create, "
        "ioc apikey create.",
    },
    # Alerts (docs/alerts.md)
    "nav.alerts": {"vi": "Cảnh báo", "en": "Alerts"},
    "alerts.heading": {"vi": "Cảnh báo", "en": "Alerts"},
    "alerts.critical_banner": {
        "vi": "{count} cảnh báo nghiêm trọng chưa được xác nhận",
        "en": "{count} critical alert(s) not acknowledged",
    },
    "alerts.filter.severity": {"vi": "Mức độ", "en": "Severity"},
    "alerts.filter.state": {"vi": "Trạng thái", "en": "State"},
    "alerts.filter.source": {"vi": "Nguồn", "en": "Source"},
    "alerts.filter.unit": {"vi": "Đơn vị", "en": "Unit"},
    "alerts.filter.all": {"vi": "Tất cả", "en": "All"},
    "severity.critical": {"vi": "Nghiêm trọng", "en": "Critical"},
    "severity.major": {"vi": "Cao", "en": "Major"},
    "severity.minor": {"vi": "Trung bình", "en": "Minor"},
    "severity.warning": {"vi": "Lưu ý", "en": "Warning"},
    "alerts.state.active_unack": {"vi": "Đang xảy ra, chưa xác nhận", "en": "Active, unacknowledged"},
    "alerts.state.active_ack": {"vi": "Đang xảy ra, đã xác nhận", "en": "Active, acknowledged"},
    "alerts.state.shelved": {"vi": "Tạm ẩn", "en": "Shelved"},
    "alerts.state.cleared_unack": {"vi": "Đã hết, chưa xác nhận", "en": "Cleared, unacknowledged"},
    "alerts.state.cleared_ack": {"vi": "Đã hết, đã xác nhận", "en": "Cleared, acknowledged"},
    "alerts.source.sensor": {"vi": "Cảm biến", "en": "Sensor"},
    "alerts.source.collector": {"vi": "Nguồn dữ liệu", "en": "Data source"},
    "alerts.source.indicator": {"vi": "Chỉ số", "en": "Indicator"},
    "alerts.source.feedback": {"vi": "Phản ánh", "en": "Feedback"},
    "alerts.severity": {"vi": "Mức độ", "en": "Severity"},
    "alerts.raised": {"vi": "Phát sinh", "en": "Raised"},
    "alerts.message": {"vi": "Nội dung", "en": "Message"},
    "alerts.target": {"vi": "Đối tượng", "en": "Target"},
    "alerts.count": {"vi": "Số lần", "en": "Count"},
    "alerts.last_seen": {"vi": "Lần cuối", "en": "Last seen"},
    "alerts.state": {"vi": "Trạng thái", "en": "State"},
    "alerts.acknowledged_by": {"vi": "Xác nhận bởi {actor} lúc {time}", "en": "Acknowledged by {actor} at {time}"},
    "alerts.assignee": {"vi": "Người xử lý", "en": "Assignee"},
    "alerts.assigned_to": {"vi": "Giao cho {name}", "en": "Assigned to {name}"},
    "alerts.shelved_until": {"vi": "Tạm ẩn đến {time}", "en": "Shelved until {time}"},
    "alerts.none": {"vi": "Không có cảnh báo nào.", "en": "No alerts."},
    "alerts.details": {"vi": "Chi tiết", "en": "Details"},
    "alerts.select_hint": {
        "vi": "Chọn “Chi tiết” ở một cảnh báo để xem nhật ký và thao tác.",
        "en": "Choose “Details” on an alert to see its log and act on it.",
    },
    "alerts.note": {"vi": "Ghi chú (lý do tạm ẩn, nội dung xử lý…)", "en": "Note (reason to shelve, what was done…)"},
    "alerts.shelve_for": {"vi": "Tạm ẩn trong", "en": "Shelve for"},
    "alerts.hours": {"vi": "{count} giờ", "en": "{count} h"},
    "alerts.acknowledge": {"vi": "Xác nhận", "en": "Acknowledge"},
    "alerts.shelve": {"vi": "Tạm ẩn", "en": "Shelve"},
    "alerts.clear": {"vi": "Kết thúc", "en": "Clear"},
    "alerts.assign": {"vi": "Giao xử lý", "en": "Assign"},
    "alerts.done.acknowledge": {"vi": "Đã xác nhận cảnh báo #{id}.", "en": "Alert #{id} acknowledged."},
    "alerts.done.shelve": {"vi": "Đã tạm ẩn cảnh báo #{id}.", "en": "Alert #{id} shelved."},
    "alerts.done.clear": {"vi": "Đã kết thúc cảnh báo #{id}.", "en": "Alert #{id} cleared."},
    "alerts.done.assign": {"vi": "Đã giao cảnh báo #{id}.", "en": "Alert #{id} assigned."},
    "alerts.refused.no_alert": {"vi": "Không tìm thấy cảnh báo này.", "en": "There is no such alert."},
    "alerts.refused.already_acknowledged": {
        "vi": "Cảnh báo này đã được xác nhận.", "en": "This alert is already acknowledged."},
    "alerts.refused.no_assignee": {
        "vi": "Nhập tên đăng nhập của người xử lý.", "en": "Type the assignee's user name."},
    "alerts.refused.cleared": {"vi": "Cảnh báo này đã kết thúc.", "en": "This alert is already cleared."},
    "alerts.refused.no_reason": {
        "vi": "Cần ghi lý do để tạm ẩn cảnh báo.", "en": "A reason is required to shelve an alert."},
    "alerts.refused.past_expiry": {
        "vi": "Thời hạn tạm ẩn phải ở tương lai.", "en": "The shelving must end in the future."},
    "alerts.refused.no_note": {
        "vi": "Cần ghi chú khi kết thúc cảnh báo bằng tay.", "en": "A note is required to clear an alert by hand."},
    "alerts.refused.already_cleared": {"vi": "Cảnh báo này đã kết thúc.", "en": "This alert is already cleared."},
    "alerts.log": {"vi": "Nhật ký cảnh báo #{id}", "en": "Log of alert #{id}"},
    "alerts.log.time": {"vi": "Thời điểm", "en": "Time"},
    "alerts.log.action": {"vi": "Thao tác", "en": "Action"},
    "alerts.log.actor": {"vi": "Người thực hiện", "en": "By"},
    "alerts.log.note": {"vi": "Ghi chú", "en": "Note"},
    "alerts.action.raise": {"vi": "Phát sinh", "en": "Raised"},
    "alerts.action.clear": {"vi": "Kết thúc", "en": "Cleared"},
    "alerts.action.acknowledge": {"vi": "Xác nhận", "en": "Acknowledged"},
    "alerts.action.assign": {"vi": "Giao xử lý", "en": "Assigned"},
    "alerts.action.shelve": {"vi": "Tạm ẩn", "en": "Shelved"},
    "alerts.action.unshelve": {"vi": "Hết tạm ẩn", "en": "Unshelved"},
    "alerts.action.escalate": {"vi": "Nhắc lại (chưa xác nhận)", "en": "Escalated (not acknowledged)"},
    "alerts.channels": {"vi": "Kênh thông báo", "en": "Notification channels"},
    "alerts.no_deliveries": {"vi": "Chưa gửi thông báo nào.", "en": "No notification sent yet."},
    "alerts.load": {"vi": "Tải cảnh báo hôm nay (ISA-18.2)", "en": "Today's alarm load (ISA-18.2)"},
    "alerts.load.raised": {"vi": "Cảnh báo phát sinh", "en": "Alerts raised"},
    "alerts.load.per_10_minutes": {"vi": "Trung bình mỗi 10 phút", "en": "Per 10 minutes (mean)"},
    "alerts.load.peak": {"vi": "Cao nhất trong 10 phút", "en": "Peak in 10 minutes"},
    "alerts.load.floods": {"vi": "Đợt dồn dập (> 10 trong 10 phút)", "en": "Floods (> 10 in 10 minutes)"},
    "alerts.load.chattering": {"vi": "Cảnh báo dao động", "en": "Chattering alerts"},
    "alerts.load.stale": {"vi": "Cảnh báo tồn đọng (> 24 giờ)", "en": "Stale alerts (> 24 h)"},
    "overview.channel": {"vi": "Kênh thông báo {name}", "en": "Notification channel {name}"},
    # Indicator explorer (docs/analytics.md)
    "nav.analytics": {"vi": "Phân tích chỉ số", "en": "Indicators"},
    "analytics.heading": {"vi": "Phân tích chỉ số dịch vụ công", "en": "Public-service indicators"},
    "analytics.filter.period": {"vi": "Kỳ", "en": "Period"},
    "analytics.filter.dates": {"vi": "Từ ngày – đến ngày", "en": "From – to"},
    "analytics.filter.unit": {"vi": "Đơn vị", "en": "Unit"},
    "analytics.filter.commune": {"vi": "Xã, phường, thị trấn", "en": "Commune"},
    "analytics.filter.sector": {"vi": "Lĩnh vực", "en": "Sector"},
    "analytics.filter.channel": {"vi": "Kênh tiếp nhận", "en": "Channel"},
    "analytics.filter.indicator": {"vi": "Chỉ số", "en": "Indicator"},
    "analytics.preset.this_month": {"vi": "Tháng này", "en": "This month"},
    "analytics.preset.last_month": {"vi": "Tháng trước", "en": "Last month"},
    "analytics.preset.this_quarter": {"vi": "Quý này", "en": "This quarter"},
    "analytics.preset.this_year": {"vi": "Năm nay", "en": "This year"},
    "analytics.preset.last_12_months": {"vi": "12 tháng qua", "en": "Last 12 months"},
    "analytics.preset.custom": {"vi": "Tùy chọn", "en": "Custom range"},
    "analytics.whole_province": {"vi": "Toàn tỉnh {name}", "en": "{name} (whole province)"},
    "analytics.all_communes": {"vi": "Tất cả xã", "en": "All communes"},
    "analytics.all_sectors": {"vi": "Tất cả lĩnh vực", "en": "All sectors"},
    "analytics.channel.all": {"vi": "Tất cả", "en": "All"},
    "analytics.channel.online": {"vi": "Trực tuyến", "en": "Online"},
    "analytics.channel.offline": {"vi": "Trực tiếp", "en": "In person"},
    "analytics.ranking": {"vi": "Xếp hạng đơn vị", "en": "Ranking of units"},
    "analytics.map": {"vi": "Bản đồ cấp huyện", "en": "District map"},
    "analytics.map_hint": {"vi": "Bấm vào một huyện để chọn đơn vị đó.", "en": "Click a district to choose it."},
    "analytics.target": {"vi": "Chỉ tiêu", "en": "Target"},
    "analytics.no_data": {"vi": "không có dữ liệu", "en": "no data"},
    "analytics.no_units": {"vi": "Không có đơn vị nào để xếp hạng.", "en": "No unit to rank."},
    "analytics.total": {"vi": "Tổng số hồ sơ tiếp nhận", "en": "Total dossiers received"},
    "analytics.period_range": {"vi": "{first} – {last}", "en": "{first} – {last}"},
    "analytics.now": {"vi": "{unit}, {period}", "en": "{unit}, {period}"},
    "analytics.before": {"vi": "Kỳ trước ({period})", "en": "Previous period ({period})"},
    "analytics.change": {"vi": "Thay đổi so với kỳ trước", "en": "Change since the previous period"},
    "analytics.gap": {"vi": "Chênh lệch so với chỉ tiêu", "en": "Gap to target"},
    "analytics.column.rank": {"vi": "Hạng", "en": "Rank"},
    "analytics.column.unit": {"vi": "Đơn vị", "en": "Unit"},
    "analytics.column.value": {"vi": "Giá trị", "en": "Value"},
    "analytics.column.target": {"vi": "Chỉ tiêu", "en": "Target"},
    "analytics.column.gap": {"vi": "Chênh lệch chỉ tiêu", "en": "Gap to target"},
    "analytics.column.previous": {"vi": "Kỳ trước", "en": "Previous period"},
    "analytics.column.change": {"vi": "Thay đổi", "en": "Change"},
    "analytics.column.received": {"vi": "Hồ sơ tiếp nhận", "en": "Dossiers received"},
    "analytics.export.csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "analytics.export.xlsx": {"vi": "Tải Excel (XLSX)", "en": "Download Excel (XLSX)"},
    "analytics.export.shown": {"vi": "hiển thị", "en": "as shown"},
    "analytics.export.unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "analytics.export.first": {"vi": "Từ ngày", "en": "From"},
    "analytics.export.last": {"vi": "Đến ngày", "en": "To"},
    "analytics.export.filter": {"vi": "Bộ lọc", "en": "Filter"},
    "analytics.export.setting": {"vi": "Giá trị", "en": "Setting"},
    "analytics.export.link": {"vi": "Đường dẫn", "en": "Link"},
    "analytics.sheet.ranking": {"vi": "Xếp hạng", "en": "Ranking"},
    "analytics.sheet.series": {"vi": "Chuỗi thời gian", "en": "Time series"},
    "analytics.sheet.filters": {"vi": "Bộ lọc", "en": "Filters"},
    # Citizen feedback (docs/feedback.md)
    "nav.feedback": {"vi": "Phản ánh", "en": "Feedback"},
    "feedback.heading": {"vi": "Phản ánh, kiến nghị của người dân", "en": "Citizen feedback"},
    "feedback.period": {"vi": "30 ngày gần nhất", "en": "Last 30 days"},
    "feedback.received": {"vi": "Phản ánh tiếp nhận", "en": "Reports received"},
    "feedback.on_time": {"vi": "Xử lý đúng hạn", "en": "Answered on time"},
    "feedback.satisfaction": {"vi": "Hài lòng", "en": "Satisfied"},
    "feedback.median_days": {"vi": "Thời gian xử lý (trung vị, ngày)", "en": "Median handling time (days)"},
    "feedback.backlog": {"vi": "Đang tồn", "en": "Open"},
    "feedback.overdue_count": {"vi": "Quá hạn", "en": "Overdue"},
    "feedback.no_data": {"vi": "—", "en": "—"},
    "feedback.filter.status": {"vi": "Trạng thái", "en": "Status"},
    "feedback.filter.category": {"vi": "Lĩnh vực", "en": "Category"},
    "feedback.filter.channel": {"vi": "Kênh", "en": "Channel"},
    "feedback.filter.unit": {"vi": "Đơn vị", "en": "Unit"},
    "feedback.filter.overdue": {"vi": "Chỉ phản ánh quá hạn", "en": "Overdue only"},
    "feedback.filter.all": {"vi": "Tất cả", "en": "All"},
    "feedback.status.received": {"vi": "Mới tiếp nhận", "en": "Received"},
    "feedback.status.accepted": {"vi": "Đã thụ lý", "en": "Accepted"},
    "feedback.status.rejected": {"vi": "Từ chối", "en": "Rejected"},
    "feedback.status.assigned": {"vi": "Đã chuyển xử lý", "en": "Assigned"},
    "feedback.status.in_progress": {"vi": "Đang xử lý", "en": "In progress"},
    "feedback.status.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "feedback.status.closed": {"vi": "Đã đóng", "en": "Closed"},
    "feedback.channel.app": {"vi": "Ứng dụng di động", "en": "Mobile app"},
    "feedback.channel.hotline": {"vi": "Đường dây nóng", "en": "Hotline"},
    "feedback.channel.web": {"vi": "Cổng thông tin", "en": "Web form"},
    "feedback.channel.zalo": {"vi": "Zalo", "en": "Zalo"},
    "feedback.channel.email": {"vi": "Thư điện tử", "en": "E-mail"},
    "feedback.code": {"vi": "Mã", "en": "Code"},
    "feedback.time": {"vi": "Tiếp nhận", "en": "Received"},
    "feedback.title": {"vi": "Tiêu đề", "en": "Title"},
    "feedback.reporter": {"vi": "Người phản ánh", "en": "Reporter"},
    "feedback.due": {"vi": "Hạn xử lý", "en": "Due"},
    "feedback.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "feedback.outside": {"vi": "Ngoài địa bàn tỉnh", "en": "Outside the province"},
    "feedback.none": {"vi": "Không có phản ánh nào.", "en": "No reports."},
    "feedback.details": {"vi": "Chi tiết", "en": "Details"},
    "feedback.export": {"vi": "Tải về (CSV)", "en": "Download (CSV)"},
    "feedback.select_hint": {
        "vi": "Chọn “Chi tiết” ở một phản ánh để xem lịch sử và xử lý.",
        "en": "Choose “Details” on a report to see its history and handle it.",
    },
    "feedback.history": {"vi": "Lịch sử xử lý {code}", "en": "History of {code}"},
    "feedback.agency": {"vi": "Cơ quan xử lý", "en": "Agency"},
    "feedback.reply": {"vi": "Trả lời chính thức", "en": "Official reply"},
    "feedback.reason": {"vi": "Lý do từ chối", "en": "Reason for rejection"},
    "feedback.rating": {"vi": "Đánh giá của người dân (1–5)", "en": "Citizen's rating (1–5)"},
    "feedback.note": {"vi": "Ghi chú", "en": "Note"},
    "feedback.to": {"vi": "Chuyển sang", "en": "Move to"},
    "feedback.apply": {"vi": "Cập nhật trạng thái", "en": "Change status"},
    "feedback.log.time": {"vi": "Thời điểm", "en": "Time"},
    "feedback.log.actor": {"vi": "Người thực hiện", "en": "By"},
    "feedback.log.from": {"vi": "Từ", "en": "From"},
    "feedback.log.to": {"vi": "Sang", "en": "To"},
    "feedback.log.note": {"vi": "Ghi chú", "en": "Note"},
    "feedback.done": {"vi": "Đã chuyển {code} sang “{status}”.", "en": "{code} moved to “{status}”."},
    "feedback.refused": {"vi": "Không thực hiện được: {reason}", "en": "Not done: {reason}"},
    "feedback.hotline": {"vi": "Ghi nhận phản ánh qua đường dây nóng", "en": "Take a hotline call"},
    "feedback.hotline.name": {"vi": "Họ tên người gọi", "en": "Caller's name"},
    "feedback.hotline.phone": {"vi": "Số điện thoại", "en": "Phone"},
    "feedback.hotline.description": {"vi": "Nội dung phản ánh", "en": "What the caller reports"},
    "feedback.hotline.submit": {"vi": "Ghi nhận", "en": "Record"},
    "feedback.hotline.done": {"vi": "Đã ghi nhận, mã tra cứu {code}.", "en": "Recorded; tracking code {code}."},
    "feedback.hotline.missing": {
        "vi": "Cần chọn lĩnh vực và nhập tiêu đề, nội dung.", "en": "Choose a category and type a title and text."},
}


def text(key: str, language: str, **values) -> str:
    """The UI string ``key`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    template = CATALOGUE[key][language]
    return template.format(**values) if values else template


def number(value: float, language: str, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' in Vietnamese, '1,234,567.5' in English."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[language])


def percent(ratio: float, language: str, decimals: int = 1) -> str:
    """0.715 -> '71,5%' in Vietnamese (no space before the sign, as Vietnamese reports write it)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(ratio, format=pattern, locale=LOCALES[language])


def day(value: date, language: str) -> str:
    """A calendar day as dd/MM/yyyy, the form used in both languages in Vietnam."""
    return babel_format_date(value, format="dd/MM/yyyy", locale=LOCALES[language])


def moment(value: datetime, language: str) -> str:
    """A stored (UTC) moment shown in Vietnam local time: 'HH:mm dd/MM/yyyy'."""
    return babel_format_datetime(as_utc(value), format="HH:mm dd/MM/yyyy", tzinfo=VIETNAM,
                                 locale=LOCALES[language])
