"""What the account endpoints' documentation shares: the address example. The error responses
(400 with each field's codes, 401, 404, 405, 406, 415, 429, 500) are added to every operation by
drf-standardized-errors' AutoSchema from what the view can raise."""

ADDRESS_EXAMPLE = {
    "id": 3,
    "recipient": "王小明",
    "phone": "13812345678",
    "province": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "region_code": "310115",
    "street": "世纪大道 100 号",
    "postal_code": "200120",
    "is_default": True,
}
