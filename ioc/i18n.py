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
    # The wall display (layouts/wall.py), the sensor pages and the health view
    "nav.wall": {"vi": "Màn hình tường", "en": "Wall display"},
    "nav.sensors": {"vi": "Cảm biến", "en": "Sensors"},
    "nav.health": {"vi": "Tình trạng hệ thống", "en": "System health"},
    "wall.period": {"vi": "Kỳ {period} · so với {previous}", "en": "Period {period} · against {previous}"},
    "wall.month": {"vi": "tháng {month}", "en": "{month}"},
    "wall.month_to_date": {"vi": "tháng {month} (đến {day})", "en": "{month} (to {day})"},
    "wall.target": {"vi": "Chỉ tiêu {value}", "en": "Target {value}"},
    "wall.met": {"vi": "✓ Đạt", "en": "✓ On target"},
    "wall.behind": {"vi": "✗ Chưa đạt", "en": "✗ Behind"},
    "wall.no_data": {"vi": "Chưa có số liệu", "en": "No data yet"},
    "wall.trend_up": {"vi": "▲ {value} điểm % so với kỳ trước", "en": "▲ {value} points since last period"},
    "wall.trend_down": {"vi": "▼ {value} điểm % so với kỳ trước", "en": "▼ {value} points since last period"},
    "wall.trend_flat": {"vi": "■ Không đổi so với kỳ trước", "en": "■ Unchanged since last period"},
    "wall.map": {"vi": "Bản đồ: {indicator}", "en": "Map: {indicator}"},
    "wall.alerts": {"vi": "Cảnh báo đang xảy ra ({count})", "en": "Active alerts ({count})"},
    "wall.no_alerts": {"vi": "Không có cảnh báo nào đang xảy ra.", "en": "No active alerts."},
    "wall.more_alerts": {"vi": "… và {count} cảnh báo khác", "en": "… and {count} more"},
    "wall.acknowledged": {"vi": "Đã xác nhận", "en": "Acknowledged"},
    "wall.unacknowledged": {"vi": "Chưa xác nhận", "en": "Not acknowledged"},
    "wall.age_minutes": {"vi": "{minutes} phút trước", "en": "{minutes} min ago"},
    "wall.age_hours": {"vi": "{hours} giờ {minutes} phút trước", "en": "{hours} h {minutes} min ago"},
    "wall.age_days": {"vi": "{days} ngày trước", "en": "{days} days ago"},
    "wall.feedback": {"vi": "Phản ánh hôm nay", "en": "Citizen feedback today"},
    "wall.feedback.received": {"vi": "Tiếp nhận", "en": "Received"},
    "wall.feedback.answered": {"vi": "Đã trả lời", "en": "Answered"},
    "wall.feedback.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "wall.latest_sensor": {"vi": "Cảm biến mới nhất: {time}", "en": "Latest sensor reading: {time}"},
    "wall.latest_portal": {"vi": "Cổng DVC mới nhất: {day}", "en": "Latest portal day: {day}"},
    "wall.never": {"vi": "chưa có", "en": "none yet"},
    "wall.updated": {"vi": "Cập nhật {time}", "en": "Updated {time}"},
    "sensor.status.silent": {"vi": "Mất tín hiệu", "en": "Silent"},
    "sensor.status.reporting": {"vi": "Đang gửi số liệu", "en": "Reporting"},
    "sensor.status.no_index": {"vi": "Chưa đủ số liệu VN_AQI", "en": "Not enough data for VN_AQI"},
    "sensor.status.aqi.good": {"vi": "Tốt", "en": "Good"},
    "sensor.status.aqi.moderate": {"vi": "Trung bình", "en": "Moderate"},
    "sensor.status.aqi.poor": {"vi": "Kém", "en": "Poor"},
    "sensor.status.aqi.bad": {"vi": "Xấu", "en": "Bad"},
    "sensor.status.aqi.very_bad": {"vi": "Rất xấu", "en": "Very bad"},
    "sensor.status.aqi.hazardous": {"vi": "Nguy hại", "en": "Hazardous"},
    "sensor.status.gauge.0": {"vi": "Dưới báo động I", "en": "Below alarm I"},
    "sensor.status.gauge.1": {"vi": "Báo động I", "en": "Alarm level I"},
    "sensor.status.gauge.2": {"vi": "Báo động II", "en": "Alarm level II"},
    "sensor.status.gauge.3": {"vi": "Báo động III", "en": "Alarm level III"},
    "sensor.kind.air_quality": {"vi": "Không khí", "en": "Air quality"},
    "sensor.kind.water_level": {"vi": "Mực nước", "en": "Water level"},
    "sensor.kind.rain": {"vi": "Lượng mưa", "en": "Rainfall"},
    "sensor.kind.traffic": {"vi": "Giao thông", "en": "Traffic"},
    "sensors.heading": {"vi": "Cảm biến", "en": "Sensors"},
    "sensors.name": {"vi": "Cảm biến", "en": "Sensor"},
    "sensors.kind": {"vi": "Loại", "en": "Kind"},
    "sensors.status": {"vi": "Trạng thái", "en": "Status"},
    "sensors.aqi": {"vi": "VN_AQI", "en": "VN_AQI"},
    "sensors.latest": {"vi": "Giá trị mới nhất", "en": "Latest values"},
    "sensors.time": {"vi": "Thời điểm", "en": "Time"},
    "sensors.not_found": {"vi": "Không có cảm biến “{id}”.", "en": "There is no sensor “{id}”."},
    "sensors.hourly": {"vi": "Trung bình giờ, 7 ngày qua: {metric} ({unit})",
                       "en": "Hourly means, last 7 days: {metric} ({unit})"},
    "sensors.daily": {"vi": "Trung bình, thấp nhất, cao nhất theo ngày, 90 ngày qua: {metric} ({unit})",
                      "en": "Daily mean, min and max, last 90 days: {metric} ({unit})"},
    "sensors.mean": {"vi": "Trung bình", "en": "Mean"},
    "sensors.min": {"vi": "Thấp nhất", "en": "Minimum"},
    "sensors.max": {"vi": "Cao nhất", "en": "Maximum"},
    "sensors.alarm_level": {"vi": "Báo động {level}", "en": "Alarm {level}"},
    "sensors.back": {"vi": "← Tất cả cảm biến", "en": "← All sensors"},
    "health.heading": {"vi": "Tình trạng hệ thống", "en": "System health"},
    "health.collectors": {"vi": "Nguồn dữ liệu", "en": "Data sources"},
    "health.rows_last_hour": {"vi": "Số dòng trong 1 giờ qua", "en": "Rows in the last hour"},
    "health.last_failure": {"vi": "Lần lỗi gần nhất", "en": "Last failure"},
    "health.rejected": {"vi": "Dữ liệu bị từ chối", "en": "Rejected inputs"},
    "health.rejected_none": {"vi": "Không có dữ liệu nào bị từ chối.", "en": "No input has been rejected."},
    "health.source": {"vi": "Nguồn", "en": "Source"},
    "health.reason": {"vi": "Lý do", "en": "Reason"},
    "health.last_24h": {"vi": "24 giờ qua", "en": "Last 24 h"},
    "health.total": {"vi": "Tổng", "en": "Total"},
    "health.broker": {"vi": "Máy chủ MQTT", "en": "MQTT broker"},
    "health.broker_up": {"vi": "Kết nối được tới {address}", "en": "Reachable at {address}"},
    "health.broker_down": {"vi": "Không kết nối được tới {address}: {error}",
                           "en": "Not reachable at {address}: {error}"},
    "health.store": {"vi": "Kho dữ liệu", "en": "Store"},
    "health.store_size": {"vi": "{backend}, {size} MB", "en": "{backend}, {size} MB"},
    "health.latest_reading": {"vi": "Số liệu cảm biến mới nhất", "en": "Newest sensor reading"},
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
