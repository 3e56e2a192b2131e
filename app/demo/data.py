"""The demo company's people: a small internet provider with two departments and two teams."""

DEMO_PASSWORD = "khidma-demo-2026"
DEMO_DOMAIN = "demo.sahabnet.example"

DEPARTMENTS = [
    {"code": "care", "name_ar": "خدمة العملاء", "name_en": "Customer Care"},
    {"code": "tech", "name_ar": "الدعم الفني", "name_en": "Technical Support"},
]

# (code, department, Arabic name, English name, manager's login)
TEAMS = [
    ("care-riyadh", "care", "فريق الرعاية - الرياض", "Care team Riyadh", "maha"),
    ("tech-line", "tech", "فريق الدعم الهاتفي", "Phone support team", "majed"),
]

# (login, employee no, role, Arabic name, English name, team, days since hire, language)
PEOPLE = [
    ("admin", "E0001", "admin", "عبد الرحمن العمري", "Abdulrahman Al-Omari", None, 2100, "en"),
    ("hr", "E0002", "hr", "أمل الفارس", "Amal Al-Fares", None, 1500, "ar"),
    ("maha", "E0010", "manager", "مها الغامدي", "Maha Al-Ghamdi", None, 1300, "ar"),
    ("majed", "E0011", "manager", "ماجد السبيعي", "Majed Al-Subaie", None, 1100, "en"),
    ("noura", "E0101", "agent", "نورة القحطاني", "Noura Al-Qahtani", "care-riyadh", 0, "ar"),
    ("fahad", "E0102", "agent", "فهد العتيبي", "Fahad Al-Otaibi", "care-riyadh", 2, "ar"),
    ("reem", "E0103", "agent", "ريم الشمري", "Reem Al-Shammari", "care-riyadh", 120, "ar"),
    ("khalid", "E0104", "agent", "خالد الدوسري", "Khalid Al-Dosari", "care-riyadh", 400, "ar"),
    ("sarah", "E0105", "agent", "سارة الحربي", "Sarah Al-Harbi", "care-riyadh", 650, "en"),
    ("omar", "E0106", "agent", "عمر الزهراني", "Omar Al-Zahrani", "care-riyadh", 800, "ar"),
    ("layla", "E0201", "agent", "ليلى حداد", "Layla Haddad", "tech-line", 1, "en"),
    ("yousef", "E0202", "agent", "يوسف منصور", "Yousef Mansour", "tech-line", 75, "ar"),
    ("hind", "E0203", "agent", "هند السيد", "Hind El-Sayed", "tech-line", 210, "ar"),
    ("tariq", "E0204", "agent", "طارق عبد الله", "Tariq Abdullah", "tech-line", 365, "en"),
    ("mona", "E0205", "agent", "منى خليل", "Mona Khalil", "tech-line", 540, "ar"),
    ("sami", "E0206", "agent", "سامي النجار", "Sami Al-Najjar", "tech-line", 900, "ar"),
]


def demo_email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"
