"""Vietnamese labels of the understanding vocabulary (symptoms, risk factors, vitals).

What staff read and the reasons callers' cases carry ("Có triệu chứng (sốt, ho) ..."): one table
each, used by the triage rule pack, the CLI and the admin.
"""
from __future__ import annotations

#: Vietnamese names for reasons ("Có triệu chứng (sốt, ho) ...").
SYMPTOM_LABELS: dict[str, str] = {
    "fever": "sốt", "cough": "ho", "sore_throat": "đau họng", "runny_nose": "sổ mũi",
    "shortness_of_breath": "khó thở", "chest_pain": "đau tức ngực", "loss_of_taste_smell": "mất vị giác/khứu giác",
    "fatigue": "mệt mỏi", "headache": "đau đầu", "muscle_ache": "đau nhức cơ", "diarrhea": "tiêu chảy",
    "vomiting": "nôn", "altered_consciousness": "rối loạn ý thức", "cyanosis": "tím tái", "low_spo2": "SpO2 thấp",
    "coughing_blood": "ho ra máu",
    "severe_breathlessness": "khó thở nặng", "cannot_eat_drink": "không ăn uống được", "exhaustion": "kiệt sức",
    "prolonged_fever": "sốt kéo dài", "low_blood_pressure": "huyết áp thấp",
}
RISK_FACTOR_LABELS: dict[str, str] = {
    "age_65_plus": "≥ 65 tuổi", "diabetes": "tiểu đường", "hypertension": "tăng huyết áp",
    "heart_disease": "bệnh tim", "lung_disease": "bệnh phổi", "kidney_disease": "bệnh thận",
    "liver_disease": "bệnh gan", "cancer": "ung thư", "obesity": "béo phì",
    "immunosuppression": "suy giảm miễn dịch", "pregnancy": "mang thai", "unvaccinated": "chưa tiêm vắc xin",
}
VITAL_LABELS: dict[str, str] = {"spo2": "SpO2", "temperature": "nhiệt độ", "breathing_rate": "nhịp thở",
                                "systolic_bp": "huyết áp tâm thu", "diastolic_bp": "huyết áp tâm trương",
                                "pulse": "mạch"}
