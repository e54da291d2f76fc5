import factory
from factory.django import DjangoModelFactory

from accounts.models import Address, Merchant, User

PASSWORD = "correct-horse-battery"

# What a shopper types into the address form: a valid mainland address.
VALID_ADDRESS = {
    "recipient": "王小明",
    "phone": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "street": "文三路 90 号 3 幢 201 室",
    "postal_code": "310012",
}


class MerchantFactory(DjangoModelFactory):
    class Meta:
        model = Merchant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Merchant {n}")
    slug = factory.Sequence(lambda n: f"merchant-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Li"
    last_name = "Wei"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    """A merchant's staff member with the permissions to manage its catalog in admin."""

    is_staff = True
    merchant = factory.SubFactory(MerchantFactory)

    @factory.post_generation
    def catalog_permissions(obj, create, extracted, **kwargs):
        if create:
            from accounts.permissions import grant_merchant_staff_permissions

            grant_merchant_staff_permissions(obj)


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient = "王小明"
    phone = "13812345678"
    province = "上海市"
    city = "上海市"
    district = "浦东新区"
    street = "世纪大道 100 号"
    postal_code = "200120"
