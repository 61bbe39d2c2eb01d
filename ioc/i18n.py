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
