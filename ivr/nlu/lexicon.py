"""Vietnamese phrases the NLU recognises (data for ``ivr.nlu.understander``).

Phrases are written with diacritics in standard (northern) spelling; regional
variants and spellings are folded to these by ``ivr.nlu.normalize``, and text
without diacritics matches through ``ivr.nlu.normalize.token_matches``.
"""
from __future__ import annotations

#: Signs from the MoH warning list and the hotline's risk levels that the shared
#: symptom taxonomy has no name for; escalation rule packs declare them too.
EXTRA_SIGNS: tuple[str, ...] = ("severe_breathlessness", "cannot_eat_drink", "exhaustion", "prolonged_fever",
                                "low_blood_pressure")

RISK_FACTORS: tuple[str, ...] = (
    "age_65_plus", "diabetes", "hypertension", "heart_disease", "lung_disease", "kidney_disease",
    "liver_disease", "cancer", "obesity", "immunosuppression", "pregnancy", "unvaccinated",
)

#: Age at which a caller counts as a risk factor (triage.md: age ≥ 65).
RISK_AGE = 65

# symptom/sign name -> phrases. A phrase may map to several names (see SYMPTOM_EXTRA).
SYMPTOM_PHRASES: dict[str, tuple[str, ...]] = {
    "fever": (
        "sốt", "sốt cao", "sốt nhẹ", "phát sốt", "nóng sốt", "người nóng", "nóng người", "nóng trong người",
        "người nóng ran", "hâm hấp", "sốt hâm hấp", "nóng bừng", "người hầm hập", "hầm hập", "lên cơn sốt",
        "ớn lạnh sốt", "sốt rét run",
    ),
    "cough": ("ho", "ho khan", "ho có đờm", "ho đờm", "ho ra đờm", "ho sù sụ", "ho khù khụ", "ho húng hắng",
              "ho nhiều", "ho liên tục", "ho dữ", "húng hắng ho", "ho khạc"),
    "sore_throat": ("đau họng", "rát họng", "viêm họng", "ngứa họng", "khô họng", "nuốt đau", "đau cổ họng",
                    "họng đau", "họng rát", "rát cổ", "đau rát họng", "họng ngứa", "vướng họng", "nuốt vướng",
                    "khàn tiếng", "khản tiếng", "mất tiếng", "nuốt nước bọt đau", "đau cuống họng"),
    "runny_nose": ("sổ mũi", "chảy mũi", "chảy nước mũi", "nghẹt mũi", "ngạt mũi", "tắc mũi", "sụt sịt",
                   "nước mũi", "hắt hơi", "hắt xì", "mũi nghẹt", "mũi chảy nước", "sổ mũi liên tục", "nghẹt mũi"),
    "shortness_of_breath": (
        "khó thở", "hụt hơi", "thở dốc", "thở gấp", "hơi thở ngắn", "thở ngắn", "thở khó", "thở hụt",
        "tức thở", "thở mệt", "hổn hển", "thở hổn hển", "khò khè", "thở khò khè", "hụt hơi thở", "thở không sâu",
        "thở nặng nhọc", "nặng nhọc", "thở nhanh", "hơi thở gấp", "thở không đều", "mệt khi thở", "thiếu không khí", "thở hơi khó", "thở hơi mệt", "hơi khó thở",
        "thở mệt nhọc", "thở không được sâu", "thở nông",
        "khó hít thở", "hít thở khó", "ngộp",
    ),
    "severe_breathlessness": (
        "không thở được", "thở không được", "thở không nổi", "không thở nổi", "ngạt thở", "ngộp thở",
        "khó thở quá", "khó thở lắm", "khó thở nhiều", "khó thở dữ dội", "khó thở nặng", "thở hắt", "thở rít",
        "khó thở dữ lắm", "thở không ra hơi", "khó thở kinh khủng", "khó thở ghê", "khó thở dữ", "sắp tắt thở", "nói không ra hơi",
        "không nói được vì khó thở", "thở không ra", "khó thở không nói được", "thở oxy không đủ",
        "không hít thở được", "thở phập phồng", "thở co kéo",
    ),
    "chest_pain": ("đau ngực", "tức ngực", "nặng ngực", "đau tức ngực", "ngực đau", "ngực tức", "thắt ngực",
                   "nhói ngực", "đè ngực", "đau nhói ngực", "ngực nặng", "ngực thắt", "bó ngực", "đau lồng ngực",
                   "tức lồng ngực", "nặng lồng ngực", "đau vùng ngực", "đau ngực trái", "ép ngực",
                   "ngực nặng nặng", "tức tức ngực", "ngực tức tức", "ngực tôi nặng", "ngực tôi đau", "ngực tôi tức",
                   "nặng nặng ngực", "đau đau ngực", "nhói nhói ngực"),
    "loss_of_taste_smell": (
        "mất vị giác", "mất khứu giác", "mất mùi", "mất vị", "không ngửi được", "không ngửi thấy",
        "không ngửi được gì", "không nếm được", "ăn không thấy mùi vị", "ăn không biết mùi vị", "mất cảm giác vị",
        "ăn không có mùi vị", "không còn ngửi", "ngửi không thấy", "ngửi không ra", "mất mùi vị", "ăn không biết ngon",
        "ăn không thấy vị", "mất vị giác và khứu giác", "lưỡi không còn vị", "mũi không ngửi", "ăn nhạt miệng",
        "nhạt miệng", "mất khướu giác", "không thấy vị", "không thấy mùi", "không cảm nhận được mùi vị",
        "không biết mùi vị", "không nhận ra mùi", "không thấy mùi vị",
    ),
    "fatigue": ("mệt", "mệt mỏi", "mỏi mệt", "uể oải", "đuối sức", "mệt rã rời", "oải", "rã rời", "bải hoải",
                "người mệt", "đuối", "người uể oải", "mệt người", "mệt nhiều", "mệt lắm", "thấy mệt", "yếu người",
                "người yếu", "mệt lử", "không có sức", "hết sức lực", "sức yếu", "người lừ đừ", "lừ đừ"),
    "exhaustion": ("kiệt sức", "mệt lả", "lả người", "lả đi", "mệt không dậy nổi", "không đứng dậy nổi",
                   "không dậy nổi", "mệt rũ", "rũ rượi", "kiệt quệ", "không nhấc nổi người", "không đi nổi",
                   "mệt không đứng nổi", "không ngồi dậy nổi", "đứng không vững", "mệt lả người"),
    "headache": ("đau đầu", "nhức đầu", "đau nhức đầu", "nặng đầu", "đầu đau", "đầu nhức", "buốt đầu",
                 "đau nửa đầu", "nhức nửa đầu", "choáng đầu", "đầu choáng", "nhức óc", "đau đầu dữ", "đầu nặng",
                 "váng đầu", "đầu váng", "đau búa bổ", "nhức mỏi đầu"),
    "muscle_ache": ("đau cơ", "đau mỏi", "đau nhức", "nhức mỏi", "mỏi cơ", "đau người", "ê ẩm", "đau mình mẩy",
                    "nhức mình mẩy", "đau khớp", "mỏi người", "ê mình", "nhức người", "đau nhức người", "đau mỏi người",
                    "nhức xương", "đau xương", "mỏi tay chân", "đau nhức cơ", "đau nhức toàn thân", "ê ẩm người",
                    "nhức hết người", "đau khắp người", "mình mẩy đau", "đau lưng", "nhức cơ", "mỏi nhừ", "đau nhức xương khớp",
                    "đau nhức mình mẩy", "mỏi mình", "đau mình"),
    "diarrhea": ("tiêu chảy", "đi ngoài", "đi cầu nhiều", "đi phân lỏng", "ỉa chảy", "tào tháo đuổi", "đi lỏng",
                 "đi tướt", "đau bụng đi ngoài", "đi ngoài nhiều", "đi cầu lỏng", "phân lỏng", "tiêu lỏng",
                 "đi ngoài phân lỏng", "đi tiêu nhiều", "rối loạn tiêu hóa", "đi ngoài liên tục", "đau bụng tiêu chảy"),
    "vomiting": ("nôn", "buồn nôn", "nôn mửa", "muốn nôn", "nôn nôn", "ăn vào là nôn", "nôn ra", "lợm giọng",
                 "nôn khan", "buồn nôn nôn", "ọe", "ụa"),
    "cannot_eat_drink": (
        "không ăn được", "không uống được", "không ăn uống được", "ăn uống không được", "bỏ ăn", "không ăn uống gì",
        "không nuốt được", "chẳng ăn được", "ăn không được", "uống không được", "không ăn được gì",
        "không uống được nước", "ăn uống không nổi", "không ăn nổi", "không uống nổi", "ăn gì cũng nôn",
        "uống nước cũng nôn", "bỏ bú", "không chịu ăn", "không chịu ăn uống", "không ăn uống", "bỏ ăn bỏ uống", "không ăn không uống", "ăn uống kém",
        "ăn không vô", "uống không vô", "ăn hổng vô",
    ),
    "altered_consciousness": (
        "lơ mơ", "li bì", "lú lẫn", "mê man", "ngất", "ngất xỉu", "xỉu", "bất tỉnh", "co giật", "không tỉnh táo",
        "gọi không tỉnh", "gọi không dậy", "không nhận ra người", "nói lảm nhảm", "mê sảng", "lẫn lộn", "ngủ li bì",
        "mơ màng", "lịm đi", "ngủ lịm", "không tỉnh", "nói sảng", "lừ đừ không tỉnh", "xỉu đi", "ngã lăn ra",
        "đánh thức không dậy", "lay không dậy", "gọi không trả lời", "mê đi", "lơ mơ không tỉnh", "nói nhảm",
        "lờ đờ", "ngủ gà ngủ gật", "không nhận ra ai", "lú", "không biết gì", "lịm", "mất ý thức", "giật kinh",
        "lên cơn giật", "xỉu lên xỉu xuống", "mắt lờ đờ",
    ),
    "cyanosis": ("tím tái", "môi tím", "tím môi", "tím đầu ngón tay", "đầu ngón tay tím", "tím đầu ngón", "tái tím",
                 "da tím", "môi thâm tím", "tím ngắt", "môi xanh tím", "tím", "môi xanh", "mặt tím", "móng tay tím",
                 "ngón tay tím", "tái xanh", "tím tái đi", "da tái xanh", "tím tái cả người", "ngón chân tím", "thâm tím"),
    "low_blood_pressure": ("huyết áp thấp", "tụt huyết áp", "hạ huyết áp", "huyết áp tụt", "huyết áp hạ",
                           "huyết áp xuống thấp", "huyết áp bị tụt", "bị tụt áp", "tụt áp"),
    "low_spo2": ("tụt oxy", "tụt spo2", "thiếu oxy", "giảm oxy", "oxy thấp", "spo2 thấp", "oxy tụt", "spo2 tụt",
                 "oxy giảm", "spo2 giảm", "oxy xuống", "spo2 xuống", "oxy yếu", "spo2 hạ", "oxy hạ", "oxy trong máu thấp",
                 "bão hòa oxy thấp", "chỉ số oxy thấp", "chỉ số spo2 thấp", "oxy máu thấp", "nồng độ oxy thấp",
                 "oxy không đủ", "độ bão hòa thấp"),
}

#: Phrases that also imply other names ("ngạt thở" is shortness of breath too).
SYMPTOM_IMPLIES: dict[str, tuple[str, ...]] = {
    "severe_breathlessness": ("shortness_of_breath",),
    "exhaustion": ("fatigue",),
}

RISK_FACTOR_PHRASES: dict[str, tuple[str, ...]] = {
    "diabetes": ("tiểu đường", "đái tháo đường", "đường huyết cao", "bệnh đường", "đường máu cao", "tiểu đường type",
                 "tiểu đường tuýp", "tiêm insulin", "đường trong máu cao", "bị đường"),
    "hypertension": ("cao huyết áp", "huyết áp cao", "tăng huyết áp", "cao áp huyết", "áp huyết cao", "bệnh huyết áp",
                     "uống thuốc huyết áp", "thuốc huyết áp", "bị huyết áp", "máu cao"),
    "heart_disease": ("bệnh tim", "suy tim", "tim mạch", "bệnh tim mạch", "đau tim", "nhồi máu cơ tim", "mạch vành",
                      "đặt stent", "hở van tim", "hẹp van tim", "rối loạn nhịp tim", "thiếu máu cơ tim", "yếu tim",
                      "đặt máy tạo nhịp", "mổ tim", "tim to", "bị tim"),
    "lung_disease": ("hen", "hen suyễn", "suyễn", "phổi tắc nghẽn", "copd", "bệnh phổi", "viêm phế quản mãn",
                     "viêm phế quản mạn", "lao phổi", "xơ phổi", "phổi mãn tính", "phổi mạn tính", "giãn phế quản",
                     "hen phế quản", "bị lao", "khí phế thũng", "phổi yếu", "bệnh phổi mãn"),
    "kidney_disease": ("suy thận", "bệnh thận", "chạy thận", "lọc máu", "thận yếu", "viêm thận", "thận mãn",
                       "thận mạn", "ghép thận", "lọc thận", "hư thận", "sỏi thận"),
    "liver_disease": ("xơ gan", "viêm gan", "bệnh gan", "gan nhiễm mỡ", "suy gan", "ung thư gan", "men gan cao",
                      "viêm gan b", "viêm gan c", "gan yếu"),
    "cancer": ("ung thư", "ung bướu", "hóa trị", "xạ trị", "khối u", "bướu ác", "u ác tính", "truyền hóa chất",
               "ung thư gan", "ung thư phổi", "ung thư vú"),
    "obesity": ("béo phì", "thừa cân", "mập quá", "béo quá", "quá cân", "mập phì", "béo lắm", "mập lắm", "bụ bẫm quá"),
    "immunosuppression": ("suy giảm miễn dịch", "hiv", "ghép tạng", "ghép thận", "ức chế miễn dịch",
                          "uống corticoid", "dùng corticoid", "corticoid", "miễn dịch yếu", "suy miễn dịch",
                          "lupus", "ghép gan", "ghép tủy", "đang hóa trị"),
    "pregnancy": ("có thai", "mang thai", "có bầu", "mang bầu", "bầu bí", "đang bầu", "thai tháng thứ", "thai được",
                  "bà bầu", "thai phụ", "đang có em bé", "có mang", "thai kỳ", "bầu tháng thứ", "bầu được"),
    "unvaccinated": ("chưa tiêm", "chưa tiêm vắcxin", "chưa chích ngừa", "chưa tiêm mũi nào", "không tiêm vắcxin",
                     "chưa được tiêm", "chưa chích", "chưa tiêm phòng", "không tiêm phòng", "chưa tiêm chủng",
                     "không có tiêm", "chưa có mũi nào", "chưa có tiêm", "chưa chích mũi nào", "không chích ngừa",
                     "không tiêm mũi nào", "không đi tiêm", "chưa đi tiêm", "không tiêm"),
}

#: Phrases that also imply other names ("ăn gì cũng nôn": vomiting too).
PHRASE_IMPLIES: dict[str, tuple[str, ...]] = {
    "ăn gì cũng nôn": ("vomiting",), "uống nước cũng nôn": ("vomiting",),
}
#: Complaints outside the taxonomy: the caller is reporting how they feel.
OTHER_COMPLAINTS: tuple[str, ...] = (
    "mất ngủ", "lo lắng", "chóng mặt", "hoa mắt", "ớn lạnh", "đau bụng", "ngứa", "phát ban", "nổi mẩn", "run",
    "tim đập nhanh", "hồi hộp", "khó chịu", "không khỏe", "trong người khó chịu", "mệt trong người", "đau mắt",
    "đỏ mắt", "chán ăn", "ăn không ngon", "ngủ không được", "đau tai", "ù tai", "tê tay", "sụt cân", "ra mồ hôi",
)
#: Generic "what should I do" questions: weaker than a positive-test report.
WEAK_HOME_CARE: tuple[str, ...] = ("làm sao", "làm thế nào", "nên làm gì", "phải làm gì", "cần làm gì",
                                   "phải làm sao", "hướng dẫn")
#: Hedges before a yes/no answer: "chắc là có", "hình như không".
HEDGES: tuple[str, ...] = ("chắc là", "chắc", "hình như", "có lẽ", "có lẽ là", "tôi nghĩ là", "tôi nghĩ",
                           "chắc chắn là", "thì", "à", "ờ thì", "tôi", "dạ thưa")

# Intent phrases: (intent, weight, phrases). The strongest match wins, with the
# precedence of INTENT_ORDER on ties.
INTENT_PHRASES: dict[str, tuple[str, ...]] = {
    "emergency": (
        "cấp cứu", "xe cấp cứu", "xe cứu thương", "115", "cứu với", "cứu tôi", "cứu em", "cứu con", "cứu mẹ",
        "cứu bố", "cứu ông", "cứu bà", "cứu chồng", "cứu vợ", "cứu giúp", "gấp lắm", "nguy kịch", "sắp chết", "chết mất",
        "nguy hiểm tính mạng", "khẩn cấp", "gọi xe", "đưa đi viện gấp", "đi viện ngay", "đưa vào viện gấp", "cứu",
        "chở đi cấp cứu", "trở nặng rồi", "nặng lắm rồi", "không qua khỏi", "cần xe",
    ),
    "report_positive_test": (
        "dương tính", "hai vạch", "2 vạch", "test nhanh lên hai vạch", "f0", "nhiễm covid", "bị covid", "mắc covid",
        "dính covid", "trúng covid", "lên hai vạch", "kết quả dương", "test dương", "nhiễm rồi", "bị nhiễm",
        "xét nghiệm ra dương", "dính cô", "test ra hai vạch", "thành f0", "là f0", "pcr dương",
    ),
    "ask_medication": (
        "uống thuốc gì", "thuốc gì", "uống thuốc", "thuốc hạ sốt", "paracetamol", "molnupiravir", "liều", "mấy viên",
        "thuốc kháng virus", "thuốc kháng vi rút", "thuốc kháng sinh", "kháng sinh", "túi thuốc", "gói thuốc",
        "nhận thuốc", "lấy thuốc", "cấp thuốc", "thuốc ho", "thuốc cảm", "thuốc", "dexamethason", "vitamin c",
        "siro", "viên sủi", "thuốc chi", "uống chi",
        "uống gì", "uống được không", "có được uống", "thuốc nam", "cách uống",
    ),
    "ask_isolation": (
        "cách ly", "bao lâu thì khỏi", "mấy ngày thì hết", "khi nào hết cách ly", "ra ngoài được", "đi làm được",
        "đi chợ được", "test lại", "xét nghiệm lại", "khi nào được ra", "gặp người nhà được", "tiếp xúc",
        "khỏi bệnh chưa", "âm tính", "bao lâu", "ra đường", "được ra", "được đi chợ", "được đi làm", "được đi học", "được ra ngoài", "được đi", "đi làm lại", "đi học lại", "hết bệnh chưa", "bao nhiêu ngày", "được ra khỏi nhà", "đi ra ngoài",
        "ở riêng", "người nhà có bị lây", "có lây", "bị lây", "lây không", "lây sang", "lây cho", "khi nào khỏi", "xuất viện", "dỡ phong tỏa",
    ),
    "ask_home_care": (
        "chăm sóc tại nhà", "chăm sóc", "ăn uống thế nào", "nên ăn gì", "ăn gì", "xông", "súc miệng", "nước muối",
        "tập thở", "nằm sấp", "làm gì để", "theo dõi", "nên theo dõi", "có nên", "nằm nghỉ", "mau khỏi", "nhanh khỏi", "theo dõi tại nhà", "tự theo dõi", "đo spo2 thế nào",
        "cách đo", "đo thế nào", "kẹp ngón tay", "được tắm", "tắm gội", "gội đầu", "nên làm gì", "phải làm gì", "làm sao", "làm thế nào", "cần làm gì",
        "kiêng", "tắm được không", "uống nước gì", "bồi dưỡng", "nghỉ ngơi", "tập thể dục", "chế độ ăn",
        "hướng dẫn", "cách chăm", "nhiệt kế", "xử lý sao", "xử lý thế nào", "tự chăm sóc",
    ),
    "request_doctor": (
        "gặp bác sĩ", "nói chuyện với bác sĩ", "bác sĩ gọi lại", "cho tôi gặp", "nhân viên y tế", "gặp nhân viên",
        "tư vấn viên", "người thật", "nói với người", "gặp người", "kết nối bác sĩ", "chuyển máy", "nối máy",
        "bác sĩ khám", "bác sĩ tư vấn", "xin bác sĩ", "cần bác sĩ", "muốn gặp bác sĩ", "gọi bác sĩ", "gặp y tá",
        "nói chuyện với người", "cho gặp", "hỏi bác sĩ", "bác sĩ xem", "bác sĩ đến", "gặp ai đó", "trực tiếp",
        "tổng đài viên", "gặp trạm y tế", "nối với bác sĩ", "bác sĩ nói chuyện", "nói chuyện với", "kết nối", "bác sĩ nào", "tư vấn cho tôi",
    ),
    "daily_checkin": (
        "báo cáo", "khai báo", "báo chỉ số", "cập nhật", "hôm nay tôi đo", "bình thường", "không có triệu chứng", "chẳng có triệu chứng", "chưa có triệu chứng", "không triệu chứng",
        "hổng có triệu chứng", "không có dấu hiệu",
        "khỏe", "ổn", "đỡ nhiều", "hết triệu chứng", "đo được", "chỉ số hôm nay", "theo dõi hằng ngày",
        "báo tình hình", "báo sức khỏe", "khai báo y tế", "đo lúc sáng", "sáng nay đo", "tối qua đo", "đo rồi",
        "vẫn bình thường", "không sao", "không có gì", "khá hơn", "đỡ hơn", "ổn định", "đỡ rồi", "khỏe rồi",
        "đo spo2", "đo oxy", "đo nhiệt độ", "đo mạch", "tình hình", "trong ngưỡng", "tốt", "hết rồi",
        "máy đo", "máy báo", "đo ra", "không bị gì", "không sao cả", "không bị sao",
    ),
    "repeat": (
        "nói lại", "nhắc lại", "lặp lại", "gì cơ", "hả", "không nghe rõ", "nghe không rõ", "chưa nghe rõ",
        "không nghe", "nói chậm", "nói to", "nghe không kịp", "không hiểu", "chưa hiểu", "nói gì", "cái gì",
        "sao cơ", "sao ạ", "nghe không được", "nghe không ra", "đọc lại", "chưa nghe kịp", "không rõ", "gì vậy",
        "lại lần nữa", "một lần nữa", "nghe chưa rõ", "nói lại đi", "hỏi lại", "chưa nghe",
    ),
    "goodbye": (
        "tạm biệt", "chào nhé", "chào cháu", "chào bác sĩ", "chào em", "chào con", "chào cô", "cúp máy", "bye",
        "bai bai", "thôi nhé", "thôi chào", "chào", "cảm ơn", "cám ơn", "xong rồi", "hết rồi cảm ơn", "vậy thôi",
        "không còn gì", "không hỏi gì nữa", "thế thôi", "tắt máy", "gác máy", "dừng ở đây", "thôi vậy", "chúc",
    ),
}

YES_WORDS: tuple[str, ...] = (
    "có", "vâng", "dạ có", "đúng", "đúng rồi", "phải", "phải rồi", "ừ", "rồi", "được", "ok", "đồng ý", "chắc chắn",
    "có chứ", "có ạ", "dạ vâng", "đúng vậy", "chính xác", "có luôn", "ừ đúng", "dạ phải", "có đó", "có rồi",
    "đã", "đã có", "có bị", "bị", "đúng thế",
)
NO_WORDS: tuple[str, ...] = (
    "không", "không có", "chưa", "không phải", "không đúng", "chưa có", "không ạ", "đâu có", "làm gì có",
    "chẳng", "chả", "không hề", "sai rồi", "không bị", "chưa bị", "chả có", "chẳng có", "không có đâu",
    "không đâu", "hết rồi", "không còn", "không muốn", "thôi khỏi", "khỏi",
)

# Words that put a number in a vital (closest preceding cue wins).
VITAL_CUES: dict[str, tuple[str, ...]] = {
    "spo2": ("spo2", "oxy", "nồng độ oxy", "độ bão hòa", "bão hòa", "độ bão hoà", "bão hoà", "máy kẹp tay",
             "kẹp ngón tay", "máy đo oxy", "chỉ số oxy", "oxy máu", "sp"),
    "temperature": ("nhiệt độ", "sốt", "nhiệt", "thân nhiệt", "nhiệt kế", "cặp nhiệt", "đo nhiệt", "nóng",
                    "sốt cao", "kẹp nách"),
    "breathing_rate": ("nhịp thở", "thở", "tần số thở", "hô hấp", "nhịp hô hấp", "đếm nhịp thở", "lần thở"),
    "pulse": ("mạch", "nhịp tim", "tim đập", "nhịp mạch", "tim", "mạch đập", "huyết áp mạch", "nhịp đập"),
}
# Plausible ranges: a cue with a number outside is ignored ("sốt 3 ngày").
VITAL_RANGES: dict[str, tuple[float, float]] = {
    "spo2": (50, 100), "temperature": (34, 43), "breathing_rate": (6, 70), "pulse": (30, 220),
}

# Words after a number that name its unit.
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "spo2": ("%",),
    "temperature": ("độ", "độ c", "độ xê"),
}
PER_MINUTE = ("lần một phút", "lần mỗi phút", "lần trên phút", "lần / phút", "lần phút", "nhịp một phút",
              "nhịp mỗi phút", "nhịp trên phút", "nhịp / phút", "lần trong một phút", "cái một phút", "nhịp phút",
              "lần", "nhịp")

#: One-word negators before a symptom: "không sốt", "hết ho", "chưa bị khó thở", "đâu có ho".
NEGATORS: tuple[str, ...] = ("không", "chẳng", "chả", "chưa", "hết", "khỏi", "đâu", "cắt", "chẳng hề")
#: Words a negation reaches over: "không (bị / có / thấy / còn) sốt".
NEGATION_SKIP: tuple[str, ...] = ("bị", "có", "thấy", "hề", "cảm", "tôi", "gì", "ai", "nữa", "bao", "giờ", "hẳn",
                                  "dấu", "hiệu", "triệu", "chứng", "bệnh",
                                  "được", "ra", "lên", "cái", "nào", "mấy", "hay", "bị")
#: Words joining a list of negated symptoms: "không ho, sốt hay khó thở gì".
NEGATION_JOIN: tuple[str, ...] = ("hay", "hoặc", "và", "với", "lẫn", "cũng", "cả", "là", ",", "không", "chẳng")
#: After a symptom: "sốt thì hết rồi", "ho đỡ hẳn rồi".
NEGATION_AFTER: tuple[str, ...] = ("thì không", "thì hết", "hết rồi", "khỏi rồi", "thì chưa", "thì khỏi", "đã hết",
                                   "hết hẳn", "đỡ hẳn", "thì không có", "cũng hết", "cũng không", "không còn",
                                   "thì đã hết", "hết luôn", "cắt rồi", "giờ hết", "bây giờ hết", "thì cũng hết",
                                   "thì không bị", "thì chẳng", "thì đỡ hẳn", "đã khỏi", "khỏi hẳn", "không có nữa",
                                   "thì không còn", "hổng còn", "cũng chẳng", "không bị", "thì hết rồi")
