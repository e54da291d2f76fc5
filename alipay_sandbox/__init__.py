"""A local stand-in for Alipay's gateway, speaking Alipay's protocol to the real SDK.

Developer tool for the embedded default and the tests: no real money moves. Mounted at
/alipay-sandbox/ only while settings.ALIPAY_SANDBOX is on (production refuses to turn it on).
"""
