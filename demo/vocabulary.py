# ruff: noqa: RUF001 -- the Chinese text uses Chinese punctuation on purpose
"""Bilingual word lists for the demo catalog, and the functions that assemble names and texts.

Each leaf category says what it sells (kinds), what those are made of or known for (materials),
how they are styled (styles), a few sentences a copywriter would write about them (features), which
variant options they come in and at what prices. Names and descriptions are assembled from these in
English and Simplified Chinese at once, so the two always describe the same product.

Plain data and string assembly: no Django imports.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    en: str
    zh: str


def _t(pair: str) -> Term:
    en, zh = pair.split("|")
    return Term(en, zh)


def _ts(*pairs: str) -> tuple[Term, ...]:
    return tuple(_t(p) for p in pairs)


@dataclass(frozen=True)
class Kind:
    """One kind of product a leaf sells; may narrow the leaf's materials, styles, price, options."""

    term: Term
    materials: tuple[Term, ...] = ()
    styles: tuple[Term, ...] | None = None
    price: tuple[int, int] | None = None
    options: str | None = None


# Price ranges (yuan) of kinds that cost much more or less than the rest of their leaf.
KIND_PRICES: dict[str, tuple[int, int]] = {
    "Tent": (299, 2999),
    "Sleeping Bag": (199, 1999),
    "Hiking Backpack": (199, 1599),
    "Camping Chair": (89, 599),
    "Trekking Poles": (99, 899),
    "Headlamp": (49, 399),
    "Camping Lantern": (59, 399),
    "Cycling Helmet": (199, 1499),
    "Bike Light Set": (49, 399),
    "Cycling Jersey": (129, 899),
    "Cycling Gloves": (39, 299),
    "Bike Lock": (49, 399),
    "Saddle Bag": (39, 299),
    "Yoga Mat": (59, 499),
    "Dumbbell Set": (99, 1299),
    "Resistance Bands": (19, 129),
    "Foam Roller": (39, 199),
    "Kettlebell": (79, 599),
    "Jump Rope": (19, 199),
    "Yoga Blocks": (19, 99),
    "Chopsticks Set": (19, 199),
    "Steamer": (59, 499),
    "Sheet Mask Set": (39, 299),
    "Sticky Notes": (5, 39),
    "Duvet": (299, 2999),
}


def _k(
    pair: str,
    *materials: str,
    styles: tuple[str, ...] | None = None,
    price: tuple[int, int] | None = None,
    options: str | None = None,
) -> Kind:
    term = _t(pair)
    return Kind(
        term,
        _ts(*materials),
        None if styles is None else _ts(*styles),
        price or KIND_PRICES.get(term.en),
        options,
    )


@dataclass(frozen=True)
class Leaf:
    slug: str
    name: Term
    blurb: Term
    kinds: tuple[Kind, ...]
    materials: tuple[Term, ...]
    styles: tuple[Term, ...]
    features: tuple[Term, ...]
    options: str
    price: tuple[int, int]
    weight: tuple[int, int]
    shape: str
    colours: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    en_pattern: str = "{brand} {style} {material} {kind} {series}"
    zh_pattern: str = "{brand} {style}{material}{kind} {series}"
    # How much of the catalog and of the traffic this leaf gets, relative to the others.
    share: float = 1.0
    # Whether the top's sentence about the material reads well for this leaf's materials.
    material_line: bool = True


@dataclass(frozen=True)
class Top:
    slug: str
    name: Term
    blurb: Term
    openers: tuple[Term, ...]
    material_lines: tuple[Term, ...]
    closers: tuple[Term, ...]
    leaves: tuple[Leaf, ...]
    # Background and object colours of the product pictures.
    backgrounds: tuple[tuple[str, str], ...]
    inks: tuple[str, ...]
    reviews_good: tuple[Term, ...] = ()
    reviews_bad: tuple[Term, ...] = ()
    lower_materials: bool = True


# Colour keys, as known to catalog/attributes.py (VALUE_NAMES / SWATCHES).
APPAREL_COLOURS = ("black", "white", "grey", "navy", "olive", "beige", "brown", "blue", "green")
BRIGHT_COLOURS = ("black", "white", "grey", "red", "blue", "green", "yellow", "orange", "pink")
TECH_COLOURS = ("black", "white", "silver", "blue", "green", "purple", "gold", "grey")
HOME_COLOURS = ("white", "grey", "beige", "green", "blue", "pink", "navy", "yellow", "brown")
SHADE_COLOURS = ("red", "pink", "orange", "brown", "purple", "beige")

APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SOCK_SIZES = ("S", "M", "L")
SHOE_SIZES = tuple(str(n) for n in range(38, 46))
CAPACITIES = ("64GB", "128GB", "256GB", "512GB", "1TB")
BED_SIZES = ("1.2 m", "1.5 m", "1.8 m", "2.0 m")
PAN_SIZES = ("20 cm", "24 cm", "26 cm", "28 cm", "32 cm")
VOLUMES = ("30 ml", "50 ml", "100 ml", "200 ml")
BOTTLE_VOLUMES = ("250 ml", "400 ml", "750 ml")
TEA_WEIGHTS = ("50 g", "100 g", "250 g", "500 g")
COFFEE_WEIGHTS = ("250 g", "500 g", "1 kg")
SNACK_WEIGHTS = ("150 g", "300 g", "500 g", "1 kg")
FLAVOURS = ("original", "green tea")
DUMBBELL_WEIGHTS = ("2 kg", "5 kg", "10 kg", "20 kg")


CLOTHING = Top(
    slug="clothing",
    name=_t("Clothing|服装"),
    blurb=_t(
        "Everyday clothing in honest fabrics: tees, knitwear, jackets and trousers that last."
        "|用料实在的日常服装：T恤、针织衫、外套和裤装，经穿耐洗。"
    ),
    openers=_ts(
        "The {name} {is} an easy everyday piece.|{name}，百搭的日常单品。",
        "From {brand}, {a_kind_l} you will reach for again and again."
        "|{brand}的这款{kind}，会让你一穿再穿。",
        "{brand} made {this_kind_l} for daily wear, from the office to the weekend."
        "|{brand}打造的{kind}，从通勤到周末都能穿。",
    ),
    material_lines=_ts(
        "The {material_l} fabric feels soft, breathes well and is easy to care for."
        "|{material}面料柔软透气，易于打理。",
        "Made from {material_l} that gets better with every wash."
        "|采用{material}面料，越洗越有质感。",
    ),
    closers=_ts(
        "Machine wash cold with similar colours; do not tumble dry."
        "|建议冷水机洗，深浅分开，勿烘干。",
        "True to size; size up for a roomier fit.|尺码标准，喜欢宽松可选大一码。",
        "Free returns within 7 days if the size is not right.|尺码不合适，7天内免费退换。",
    ),
    leaves=(
        Leaf(
            slug="tees-tops",
            name=_t("T-Shirts & Tops|T恤与上衣"),
            blurb=_t(
                "Tees, polos and shirts in cotton, linen and merino."
                "|棉、亚麻与美利奴羊毛材质的T恤、Polo衫和衬衫。"
            ),
            kinds=(
                _k("T-Shirt|T恤"),
                _k("Polo Shirt|Polo衫"),
                _k("Henley|亨利衫"),
                _k("Long-Sleeve Tee|长袖T恤"),
                _k("Tank Top|背心"),
                _k("Button-Down Shirt|衬衫", "Oxford Cotton|牛津纺", "Linen|亚麻", "Poplin|府绸"),
                _k(
                    "Running T-Shirt|跑步T恤",
                    "Quick-Dry|速干",
                    "Recycled Polyester|再生涤纶",
                    "Merino|美利奴羊毛",
                    styles=("Lightweight|轻量", "Slim-Fit|修身", "Reflective|反光"),
                ),
            ),
            materials=_ts(
                "Organic Cotton|有机棉",
                "Pima Cotton|匹马棉",
                "Linen|亚麻",
                "Bamboo Jersey|竹纤维",
                "Merino|美利奴羊毛",
                "Slub Cotton|竹节棉",
                "Modal|莫代尔",
            ),
            styles=_ts(
                "Oversized|宽松",
                "Slim-Fit|修身",
                "Relaxed|休闲",
                "Classic|经典",
                "Cropped|短款",
                "Heavyweight|重磅",
                "Essential|基础款",
            ),
            features=_ts(
                "Pre-washed so it keeps its shape and size after the first wash."
                "|经过预缩水处理，洗后不变形、不缩水。",
                "Reinforced shoulder seams and a ribbed collar that stays flat."
                "|肩部加固缝线，罗纹领口平整不易变形。",
                "Cool on its own in summer and easy to layer when it turns cold."
                "|夏季单穿清爽，天凉时也方便叠穿。",
                "A slightly longer back hem keeps it tucked in.|后摆略长，塞进裤腰也不易跑出。",
                "Dyed with low-impact dyes that keep their colour wash after wash."
                "|采用环保染料，多次洗涤依然不易褪色。",
            ),
            options="apparel",
            price=(39, 399),
            weight=(150, 400),
            shape="tee",
            colours=APPAREL_COLOURS,
            share=1.4,
        ),
        Leaf(
            slug="knitwear",
            name=_t("Knitwear|针织衫"),
            blurb=_t(
                "Sweaters, cardigans and hoodies for cooler days."
                "|毛衣、开衫与卫衣，陪你度过微凉的日子。"
            ),
            kinds=(
                _k("Crewneck Sweater|圆领毛衣"),
                _k("Cardigan|开衫"),
                _k("Turtleneck|高领毛衣"),
                _k("Quarter-Zip Pullover|半拉链套头衫"),
                _k(
                    "Hoodie|连帽卫衣",
                    "Organic Cotton|有机棉",
                    "Brushed Fleece|磨毛抓绒",
                    "French Terry|毛圈",
                ),
                _k(
                    "Sweatshirt|卫衣",
                    "Organic Cotton|有机棉",
                    "Brushed Fleece|磨毛抓绒",
                    "French Terry|毛圈",
                ),
            ),
            materials=_ts(
                "Merino Wool|美利奴羊毛",
                "Cashmere|羊绒",
                "Lambswool|小羊毛",
                "Alpaca Blend|羊驼毛混纺",
                "Cotton-Cashmere|棉羊绒混纺",
            ),
            styles=_ts(
                "Chunky|粗针",
                "Fine-Knit|细针",
                "Relaxed|休闲",
                "Cropped|短款",
                "Classic|经典",
                "Oversized|宽松",
            ),
            features=_ts(
                "Knitted tightly enough to keep its shape, loose enough to stay comfortable."
                "|织法紧密不易变形，上身依旧舒适。",
                "Ribbed cuffs and hem hold their stretch season after season."
                "|罗纹袖口和下摆回弹好，年年穿都不松垮。",
                "Warm without bulk, so it fits under a coat.|保暖而不臃肿，外搭大衣也合适。",
                "Treated against pilling for a neater look over time."
                "|经过抗起球处理，久穿依然平整。",
            ),
            options="apparel",
            price=(129, 1599),
            weight=(300, 800),
            shape="sweater",
            colours=APPAREL_COLOURS,
        ),
        Leaf(
            slug="jackets-coats",
            name=_t("Jackets & Coats|外套"),
            blurb=_t(
                "Down jackets, rain shells and wool coats for every kind of weather."
                "|羽绒服、防雨夹克和大衣，应对各种天气。"
            ),
            kinds=(
                _k(
                    "Puffer Jacket|羽绒服",
                    "Goose Down|鹅绒",
                    "Duck Down|鸭绒",
                    "Recycled Down|再生羽绒",
                ),
                _k(
                    "Rain Jacket|防雨夹克",
                    "Waterproof|防水",
                    "Packable|可收纳",
                    "Recycled Nylon|再生尼龙",
                ),
                _k("Trench Coat|风衣", "Cotton Gabardine|棉华达呢", "Water-Repellent|防泼水"),
                _k("Overcoat|大衣", "Wool Blend|羊毛混纺", "Cashmere Blend|羊绒混纺"),
                _k("Denim Jacket|牛仔夹克", "Washed|水洗", "Sherpa-Lined|羊羔绒内衬", "Raw|原色"),
                _k("Bomber Jacket|飞行员夹克", "Nylon|尼龙", "Suede|麂皮", "Padded|夹棉"),
                _k(
                    "Running Jacket|跑步夹克",
                    "Windproof|防风",
                    "Reflective|反光",
                    "Water-Repellent|防泼水",
                    styles=("Lightweight|轻量", "Packable|可收纳"),
                ),
                _k("Puffer Vest|羽绒马甲", "Goose Down|鹅绒", "Recycled Down|再生羽绒"),
            ),
            materials=_ts("Recycled Nylon|再生尼龙"),
            styles=_ts(
                "Lightweight|轻量",
                "Longline|长款",
                "Hooded|连帽",
                "Cropped|短款",
                "Classic|经典",
                "Oversized|宽松",
            ),
            features=_ts(
                "Taped seams and a storm flap keep wind and rain out."
                "|压胶接缝加防风门襟，挡风挡雨。",
                "Two zipped hand pockets and an inside pocket for your phone."
                "|两个拉链插手袋，内侧另有手机袋。",
                "Roomy enough for a sweater underneath without looking bulky."
                "|内搭毛衣也有余量，外观依旧利落。",
                "The adjustable hood and cuffs seal in warmth.|可调节帽檐和袖口，锁住温暖。",
                "Packs into its own pocket for travel.|可收纳进自身口袋，出行方便携带。",
            ),
            options="apparel",
            price=(199, 2999),
            weight=(400, 1500),
            shape="jacket",
            material_line=False,
            colours=APPAREL_COLOURS,
        ),
        Leaf(
            slug="trousers-shorts",
            name=_t("Trousers & Shorts|裤装"),
            blurb=_t(
                "Chinos, jeans, joggers and running shorts.|卡其裤、牛仔裤、束脚裤与跑步短裤。"
            ),
            kinds=(
                _k(
                    "Chinos|卡其裤", "Stretch Cotton|弹力棉", "Twill|斜纹棉", "Linen Blend|亚麻混纺"
                ),
                _k(
                    "Jeans|牛仔裤",
                    "Selvedge Denim|赤耳",
                    "Stretch Denim|弹力",
                    "Washed Denim|水洗",
                ),
                _k(
                    "Joggers|束脚运动裤",
                    "French Terry|毛圈",
                    "Brushed Fleece|磨毛抓绒",
                    "Tech Knit|科技针织",
                ),
                _k(
                    "Running Shorts|跑步短裤",
                    "Quick-Dry|速干",
                    "Mesh-Lined|网眼内衬",
                    "Recycled Polyester|再生涤纶",
                    styles=("Lightweight|轻量", "5-Inch|5英寸", "2-in-1|二合一"),
                ),
                _k(
                    "Cargo Trousers|工装裤",
                    "Ripstop|格纹防撕裂",
                    "Cotton Canvas|棉帆布",
                    "Nylon|尼龙",
                ),
                _k("Wide-Leg Trousers|阔腿裤", "Linen|亚麻", "Wool Blend|羊毛混纺", "Crepe|绉纱"),
                _k("Corduroy Trousers|灯芯绒裤", "Stretch|弹力", "Fine-Wale|细条", "Cotton|纯棉"),
            ),
            materials=_ts("Cotton|纯棉"),
            styles=_ts(
                "Slim|修身",
                "Straight-Leg|直筒",
                "Relaxed|宽松",
                "Tapered|锥形",
                "High-Rise|高腰",
                "Cropped|九分",
            ),
            features=_ts(
                "A hidden stretch waistband keeps them comfortable all day."
                "|隐形弹力腰头，久坐也舒适。",
                "Deep pockets that hold a phone without it falling out."
                "|口袋够深，手机放进去不易滑出。",
                "Gusseted crotch for freedom of movement.|裆部插片设计，活动自如。",
                "Hemmed to a length that works with sneakers and boots alike."
                "|裤长恰到好处，配运动鞋或靴子都合适。",
            ),
            options="apparel",
            price=(69, 899),
            weight=(200, 800),
            shape="trousers",
            colours=APPAREL_COLOURS,
        ),
    ),
    backgrounds=(
        ("#f4ede4", "#e6d8c6"),
        ("#eef1f4", "#d9e0e8"),
        ("#f3efe9", "#e2dccf"),
        ("#f1ece6", "#dcd0c4"),
    ),
    inks=("#1b2a4a", "#708238", "#c8102e", "#d9c7a7", "#8c8f94", "#2f6fde", "#7b4a2d"),
    reviews_good=_ts(
        "The fabric feels great and the fit is spot on.|面料手感很好，版型也很合身。",
        "Washed it several times and it still looks new.|洗了好几次还像新的一样。",
        "The colour is exactly as pictured.|颜色和图片一模一样。",
    ),
    reviews_bad=_ts(
        "Shrank a little after the first wash.|第一次洗完有点缩水。",
        "The size runs small, order one up.|尺码偏小，建议拍大一码。",
    ),
)

SHOES = Top(
    slug="shoes",
    name=_t("Shoes|鞋靴"),
    blurb=_t(
        "Running shoes, sneakers, boots and sandals, in EU sizes 38 to 45."
        "|跑鞋、休闲鞋、靴子和凉拖，欧码38至45。"
    ),
    openers=_ts(
        "The {name} {is} built for comfort from the first step.|{name}，第一步就能感受到舒适。",
        "{brand} designed {this_kind_l} for long days on your feet."
        "|{brand}设计的{kind}，适合长时间行走站立。",
        "Meet the {name}, our most comfortable pair yet.|{name}，我们迄今最舒适的一双。",
    ),
    material_lines=_ts(
        "The {material_l} upper holds its shape and wears in nicely."
        "|{material}鞋面挺括有型，越穿越服帖。",
    ),
    closers=_ts(
        "Sizes are EU; if you are between sizes, go half a size up."
        "|欧码尺码，介于两码之间建议选大半码。",
        "Free size exchanges within 30 days.|30天内可免费换码。",
        "Wipe clean with a damp cloth; do not machine wash.|用湿布擦拭清洁，请勿机洗。",
    ),
    leaves=(
        Leaf(
            slug="running-shoes",
            name=_t("Running Shoes|跑鞋"),
            blurb=_t(
                "Road, trail and racing shoes for every kind of run."
                "|公路跑、越野跑和竞速跑鞋，满足各种跑步需求。"
            ),
            kinds=(
                _k("Road Running Shoes|公路跑鞋"),
                _k(
                    "Trail Running Shoes|越野跑鞋",
                    "Waterproof|防水",
                    "Breathable Mesh|透气网面",
                    "Ripstop|防撕裂",
                ),
                _k(
                    "Racing Shoes|竞速跑鞋",
                    "Featherlight Mesh|超轻网面",
                    "Knit|针织",
                    styles=("Carbon-Plated|碳板", "Lightweight|轻量"),
                ),
                _k("Cushioned Running Shoes|缓震跑鞋"),
                _k("Stability Running Shoes|稳定支撑跑鞋"),
            ),
            materials=_ts("Breathable Mesh|透气网面", "Knit|针织", "Engineered Mesh|工程网面"),
            styles=_ts("Lightweight|轻量", "Everyday|日常", "Tempo|节奏", "Long-Distance|长距离"),
            features=_ts(
                "A responsive foam midsole gives back energy with every stride."
                "|回弹泡棉中底，每一步都能返还能量。",
                "A rubber outsole with deep grooves grips on wet roads."
                "|深纹橡胶大底，湿滑路面也抓地。",
                "A padded heel collar locks your foot in without rubbing."
                "|后跟领口加垫，包裹稳固不磨脚。",
                "Reflective details keep you visible on early-morning and evening runs."
                "|反光细节设计，清晨和夜跑更安全。",
                "Tested over 500 km before it reached the shop.|上架前经过500公里实跑测试。",
            ),
            options="shoes",
            price=(299, 1699),
            weight=(450, 800),
            shape="sneaker",
            colours=BRIGHT_COLOURS,
            series=("2", "3", "4", "5", "Pro", "GTX", "Elite", "Max"),
            share=1.3,
        ),
        Leaf(
            slug="sneakers",
            name=_t("Sneakers|休闲鞋"),
            blurb=_t(
                "Everyday sneakers in leather, suede and canvas.|皮革、麂皮和帆布材质的日常休闲鞋。"
            ),
            kinds=(
                _k("Low-Top Sneakers|低帮板鞋"),
                _k("High-Top Sneakers|高帮板鞋"),
                _k("Canvas Shoes|帆布鞋", "Organic Canvas|有机帆布", "Washed Canvas|水洗帆布"),
                _k("Slip-On Shoes|一脚蹬"),
                _k("Court Sneakers|网球风休闲鞋"),
                _k("Skate Shoes|滑板鞋"),
            ),
            materials=_ts("Leather|皮革", "Suede|麂皮", "Recycled|再生材料", "Nubuck|磨砂皮"),
            styles=_ts("Classic|经典", "Retro|复古", "Minimal|极简", "Chunky|厚底", "Vintage|做旧"),
            features=_ts(
                "A cushioned insole that you can take out and wash.|缓震鞋垫可拆卸清洗。",
                "Stitched, not just glued, so the sole stays on.|鞋底缝线加固，不只靠胶水。",
                "Goes with jeans, chinos and everything in between.|搭牛仔裤、休闲裤都好看。",
                "A grippy gum-rubber sole that wears evenly.|生胶大底防滑耐磨。",
            ),
            options="shoes",
            price=(199, 1299),
            weight=(600, 1000),
            shape="sneaker",
            colours=("white", "black", "grey", "navy", "beige", "green", "red"),
        ),
        Leaf(
            slug="boots",
            name=_t("Boots|靴子"),
            blurb=_t(
                "Chelsea, hiking and work boots that last for years."
                "|切尔西靴、登山靴和工装靴，经久耐穿。"
            ),
            kinds=(
                _k("Chelsea Boots|切尔西靴"),
                _k("Hiking Boots|登山靴", "Waterproof|防水", "Leather|真皮", "Breathable|透气"),
                _k("Work Boots|工装靴"),
                _k("Ankle Boots|短靴"),
                _k(
                    "Snow Boots|雪地靴",
                    "Shearling-Lined|羊毛内里",
                    "Waterproof|防水",
                    "Insulated|保暖",
                ),
            ),
            materials=_ts("Leather|真皮", "Suede|麂皮", "Waxed Leather|油蜡皮", "Nubuck|磨砂皮"),
            styles=_ts("Classic|经典", "Rugged|硬朗", "Lightweight|轻量", "Lug-Sole|齿纹大底"),
            features=_ts(
                "Goodyear-welted so the sole can be replaced.|固特异工艺，鞋底可更换。",
                "A cushioned footbed that moulds to your foot.|鞋床软垫会随脚型贴合。",
                "Pull tabs front and back make them easy to get on.|前后提拉环，穿脱方便。",
                "Deep lugs grip on mud, snow and gravel.|深齿大底，泥地、雪地、碎石路都抓得住。",
            ),
            options="shoes",
            price=(399, 2499),
            weight=(900, 1800),
            shape="boot",
            colours=("black", "brown", "beige", "grey", "olive"),
        ),
        Leaf(
            slug="sandals-slippers",
            name=_t("Sandals & Slippers|凉鞋拖鞋"),
            blurb=_t("Slides, sport sandals and house slippers.|一字拖、运动凉鞋和家居拖鞋。"),
            kinds=(
                _k("Slide Sandals|一字拖"),
                _k("Sport Sandals|运动凉鞋"),
                _k("Flip-Flops|人字拖"),
                _k("House Slippers|家居拖鞋", "Felt|毛毡", "Wool|羊毛", "Cotton|棉质"),
                _k("Recovery Slides|运动恢复拖鞋", styles=("Post-Run|跑后", "Cushioned|软底")),
            ),
            materials=_ts("EVA|EVA", "Cork|软木", "Leather|皮革", "Recycled Rubber|再生橡胶"),
            styles=_ts("Cushioned|软底", "Lightweight|轻便", "Classic|经典", "Waterproof|防水"),
            features=_ts(
                "A contoured footbed supports your arches.|贴合足弓的鞋床设计。",
                "Quick to dry after the beach or the pool.|海边、泳池后很快就干。",
                "Soft enough to wear all day around the house.|足够柔软，在家穿一整天也舒服。",
                "A textured sole that will not slip on wet tiles.|纹理鞋底，湿瓷砖上也不打滑。",
            ),
            options="shoes",
            price=(39, 599),
            weight=(200, 600),
            shape="sandal",
            material_line=False,
            colours=BRIGHT_COLOURS,
        ),
    ),
    backgrounds=(("#eef2f5", "#d6dee6"), ("#f5efe8", "#e5d6c5"), ("#eef3ee", "#d4e2d6")),
    inks=("#ef7d22", "#2f6fde", "#1f2328", "#c8102e", "#2e8b57", "#7b4a2d", "#f6f6f4"),
    reviews_good=_ts(
        "Comfortable straight out of the box.|开箱即穿，非常舒服。",
        "Ran a half marathon in them, no blisters.|穿着跑了个半马，一点没磨脚。",
        "Good grip and they look great.|抓地力好，颜值也高。",
    ),
    reviews_bad=_ts(
        "A bit narrow for wide feet.|脚宽的人穿有点挤。",
        "The sole started to wear after a month.|穿了一个月鞋底就开始磨损。",
    ),
)

ELECTRONICS = Top(
    slug="electronics",
    name=_t("Electronics|数码电子"),
    blurb=_t(
        "Phones, audio, computers, wearables and everything to charge them."
        "|手机、耳机音响、电脑平板、智能穿戴和充电配件。"
    ),
    openers=_ts(
        "With the {name}, flagship features become part of every day."
        "|{name}，把旗舰级体验带进日常。",
        "{brand} built {this_kind_l} for people who want things to just work."
        "|{brand}打造的这款{kind}，即开即用，省心可靠。",
        "Smart, fast and well made: the {name}.|智能、快速、做工扎实：{name}。",
    ),
    material_lines=_ts(
        "{material} makes a real difference day to day.|{material}，日常使用中感受明显。",
    ),
    closers=_ts(
        "Covered by a one-year warranty and a 15-day no-questions return."
        "|享一年质保，15天无理由退换。",
        "Ships in recyclable packaging with a quick-start guide.|采用可回收包装，附快速入门指南。",
        "Firmware updates arrive over the air.|固件支持在线升级。",
    ),
    lower_materials=False,
    leaves=(
        Leaf(
            slug="smartphones",
            name=_t("Smartphones|智能手机"),
            blurb=_t("5G phones from compact to flagship.|从小屏到旗舰的5G手机。"),
            kinds=(
                _k("5G Smartphone|5G智能手机"),
                _k("Camera Phone|影像手机"),
                _k("Foldable Phone|折叠屏手机", price=(4999, 8999)),
                _k("Gaming Phone|游戏手机"),
            ),
            materials=_ts(
                "Long-Battery|长续航",
                "Fast-Charging|快充",
                "AMOLED|AMOLED屏",
                "Dual-SIM|双卡双待",
            ),
            styles=(),
            features=_ts(
                "A 120 Hz display that makes scrolling feel effortless."
                "|120Hz高刷屏，滑动丝般顺畅。",
                "A 50 MP main camera with optical image stabilisation."
                "|5000万像素主摄，支持光学防抖。",
                "A 5,000 mAh battery that lasts a full day and then some."
                "|5000mAh大电池，重度使用也能撑一天。",
                "Charges from 0 to 50% in under 20 minutes.|20分钟内从0充到50%。",
                "Rated IP68 against water and dust.|IP68级防尘防水。",
            ),
            options="capacity",
            price=(999, 6999),
            weight=(180, 260),
            shape="phone",
            colours=TECH_COLOURS,
            series=("X5", "X5 Pro", "Note 12", "Note 12 Pro", "S9", "S9 Ultra", "Lite 4", "Max 8"),
            en_pattern="{brand} {series} {material} {kind}",
            zh_pattern="{brand} {series} {material}{kind}",
        ),
        Leaf(
            slug="audio",
            name=_t("Headphones & Speakers|耳机音响"),
            blurb=_t("Earbuds, headphones and speakers.|真无线耳机、头戴耳机和蓝牙音箱。"),
            kinds=(
                _k("Wireless Earbuds|真无线耳机"),
                _k("Over-Ear Headphones|头戴式耳机"),
                _k(
                    "Bluetooth Speaker|蓝牙音箱",
                    "Waterproof|防水",
                    "Portable|便携",
                    "Hi-Res|高解析",
                ),
                _k(
                    "Running Earphones|跑步耳机",
                    "Open-Ear|开放式",
                    "Sweatproof|防汗",
                    "Secure-Fit|稳固佩戴",
                ),
                _k("Bone Conduction Headphones|骨传导耳机", "Open-Ear|开放式", "Waterproof|防水"),
                _k(
                    "Soundbar|回音壁",
                    "Dolby Atmos|杜比全景声",
                    "Wireless Subwoofer|无线低音炮",
                    price=(699, 2999),
                ),
            ),
            materials=_ts(
                "Noise-Cancelling|主动降噪",
                "Hi-Res|高解析",
                "Low-Latency|低延迟",
                "Spatial Audio|空间音频",
            ),
            styles=(),
            features=_ts(
                "Active noise cancelling blocks out traffic and office chatter."
                "|主动降噪，隔绝街道噪音与办公室嘈杂。",
                "Up to 30 hours of playback with the charging case.|配合充电盒续航长达30小时。",
                "Switches between your phone and laptop automatically."
                "|手机和电脑之间自动切换连接。",
                "Tuned by sound engineers for clear vocals and deep bass."
                "|声学工程师调音，人声清晰，低音浑厚。",
                "Ten minutes of charging gives two hours of music.|充电10分钟，听歌2小时。",
            ),
            options="colour",
            price=(99, 2499),
            weight=(50, 900),
            shape="headphones",
            colours=TECH_COLOURS,
            series=("Pro", "Air", "Lite", "2", "3", "Max", "Mini", "Studio"),
            en_pattern="{brand} {material} {kind} {series}",
            zh_pattern="{brand} {material}{kind} {series}",
        ),
        Leaf(
            slug="computers-tablets",
            name=_t("Computers & Tablets|电脑平板"),
            blurb=_t("Laptops, tablets, keyboards and mice.|笔记本、平板、键盘和鼠标。"),
            kinds=(
                _k(
                    "Laptop|笔记本电脑",
                    "Thin & Light|轻薄",
                    "Creator|创作本",
                    "14-inch|14英寸",
                    price=(3999, 8999),
                    options="capacity",
                ),
                _k(
                    "Tablet|平板电脑",
                    "11-inch|11英寸",
                    "Paper-Feel|类纸屏",
                    "Kids|儿童",
                    price=(999, 4999),
                    options="capacity",
                ),
                _k(
                    "Mechanical Keyboard|机械键盘",
                    "Hot-Swap|热插拔",
                    "Low-Profile|矮轴",
                    "Wireless|无线",
                    price=(199, 1299),
                ),
                _k(
                    "Wireless Mouse|无线鼠标",
                    "Ergonomic|人体工学",
                    "Silent|静音",
                    "Bluetooth|蓝牙",
                    price=(59, 599),
                ),
                _k(
                    "Monitor|显示器",
                    "27-inch 4K|27英寸4K",
                    "Portable|便携",
                    "USB-C|USB-C",
                    price=(699, 3999),
                ),
                _k(
                    "E-Reader|电子阅读器", "Glare-Free|防眩光", "Waterproof|防水", price=(599, 1999)
                ),
            ),
            materials=(),
            styles=(),
            features=_ts(
                "Set up in minutes with no drivers to install.|即插即用，无需安装驱动。",
                "USB-C charging, so one cable does it all.|USB-C充电，一根线全搞定。",
                "An anodised aluminium body that feels solid in the hand."
                "|阳极氧化铝机身，手感扎实。",
                "Works with Windows, macOS, Android and iPadOS."
                "|兼容Windows、macOS、Android与iPadOS。",
                "Designed for long working days without strain.|为长时间工作而设计，久用不累。",
            ),
            options="colour",
            price=(59, 8999),
            weight=(80, 1800),
            shape="laptop",
            material_line=False,
            colours=("black", "silver", "grey", "white", "blue"),
            series=("Air", "Pro", "14", "16", "S", "Go", "Plus"),
            en_pattern="{brand} {material} {kind} {series}",
            zh_pattern="{brand} {material}{kind} {series}",
        ),
        Leaf(
            slug="chargers-accessories",
            name=_t("Chargers & Accessories|充电配件"),
            blurb=_t("Power banks, chargers, cables and cases.|充电宝、充电器、数据线和手机壳。"),
            kinds=(
                _k("Power Bank|充电宝", "20,000 mAh|20000毫安", "Magnetic|磁吸", "Slim|轻薄"),
                _k("USB-C Charger|USB-C充电器", "GaN|氮化镓", "65 W|65W", "Dual-Port|双口"),
                _k("Wireless Charger|无线充电器", "Magnetic|磁吸", "3-in-1|三合一", "Fast|快充"),
                _k(
                    "Charging Cable|数据线",
                    "Braided|编织",
                    "USB-C to USB-C|双USB-C",
                    "Fast-Charging|快充",
                ),
                _k(
                    "Phone Case|手机壳",
                    "Leather|皮革",
                    "Clear|透明",
                    "Rugged|防摔",
                    "Magnetic|磁吸",
                ),
                _k(
                    "Travel Adapter|旅行转换插头",
                    "Universal|全球通用",
                    "GaN|氮化镓",
                    "Compact|小巧",
                ),
            ),
            materials=(),
            styles=(),
            features=_ts(
                "Smart chip protection against overheating and overcharging."
                "|智能芯片保护，防过热、防过充。",
                "Small enough for a jacket pocket.|小巧到可以放进外套口袋。",
                "Fast-charges phones, tablets and most laptops.|可为手机、平板和多数笔记本快充。",
                "Certified to international safety standards.|通过国际安全认证。",
            ),
            options="colour",
            price=(29, 399),
            weight=(30, 450),
            shape="charger",
            material_line=False,
            colours=("black", "white", "blue", "green", "pink", "grey"),
            en_pattern="{brand} {material} {kind}",
            zh_pattern="{brand} {material}{kind}",
            share=1.2,
        ),
        Leaf(
            slug="wearables",
            name=_t("Wearables|智能穿戴"),
            blurb=_t(
                "Smartwatches, fitness bands and running watches.|智能手表、运动手环与跑步手表。"
            ),
            kinds=(
                _k("Smartwatch|智能手表"),
                _k("Fitness Band|运动手环", price=(149, 399)),
                _k("Running Watch|跑步手表", "GPS|GPS", "Dual-Band GPS|双频GPS", "Solar|太阳能"),
                _k("Kids Smartwatch|儿童手表", price=(199, 699)),
            ),
            materials=_ts("GPS|GPS", "AMOLED|AMOLED", "Long-Battery|长续航", "Titanium|钛合金"),
            styles=(),
            features=_ts(
                "Tracks heart rate, sleep and blood oxygen around the clock."
                "|全天候监测心率、睡眠与血氧。",
                "Over 100 workout modes, from running to swimming."
                "|支持100多种运动模式，跑步游泳都能记录。",
                "Up to 14 days of battery life on one charge.|一次充电最长续航14天。",
                "Water-resistant to 50 metres.|50米防水。",
            ),
            options="colour",
            price=(299, 2999),
            weight=(30, 80),
            shape="watch",
            colours=TECH_COLOURS,
            series=("GT 4", "Fit 3", "S2", "Pro", "Active", "5"),
            en_pattern="{brand} {kind} {series} {material}",
            zh_pattern="{brand} {kind} {series} {material}",
        ),
    ),
    backgrounds=(("#e8eef7", "#cfdbea"), ("#eceef1", "#d3d7de"), ("#efeaf6", "#d9d0ea")),
    inks=("#1f2328", "#c0c4c8", "#2f6fde", "#7a4fb5", "#2e8b57", "#c9a44c", "#f6f6f4"),
    reviews_good=_ts(
        "Battery life is even better than advertised.|续航比宣传的还好。",
        "Paired instantly and works flawlessly.|秒连，用起来很稳定。",
        "Build quality feels premium.|做工很有质感。",
    ),
    reviews_bad=_ts(
        "Connection drops now and then.|偶尔会断连。",
        "Gets warm when charging.|充电时有点发热。",
    ),
)

HOME = Top(
    slug="home-kitchen",
    name=_t("Home & Kitchen|家居厨房"),
    blurb=_t(
        "Cookware, tableware, bedding and storage for a calmer home."
        "|锅具、餐具、床品与收纳，让家更从容。"
    ),
    openers=_ts(
        "With the {name}, everyday routines feel a little calmer.|{name}，让日常生活多一份从容。",
        "{brand} made {this_kind_l} to be used every day, not kept for best."
        "|{brand}的{kind}，为每天使用而设计。",
        "Simple, sturdy and good-looking: the {name}.|简单、结实又好看：{name}。",
    ),
    material_lines=_ts(
        "Made from {material_l} chosen to last for years.|选用{material}，经久耐用。",
    ),
    closers=_ts(
        "Dishwasher safe unless noted otherwise.|如无特别说明，可放入洗碗机清洗。",
        "Packed in plastic-free, recyclable packaging.|采用无塑可回收包装。",
        "Covered by a two-year warranty.|享两年质保。",
    ),
    leaves=(
        Leaf(
            slug="cookware",
            name=_t("Cookware|锅具"),
            blurb=_t("Pans, woks and pots for every hob.|煎锅、炒锅和汤锅，适用各种灶具。"),
            kinds=(
                _k("Frying Pan|煎锅"),
                _k("Wok|炒锅", "Carbon Steel|碳钢", "Cast Iron|铸铁", "Stainless Steel|不锈钢"),
                _k("Saucepan|奶锅"),
                _k(
                    "Dutch Oven|珐琅铸铁锅",
                    "Enamelled Cast Iron|珐琅铸铁",
                    styles=("Classic|经典", "Round|圆形"),
                ),
                _k("Stockpot|汤锅"),
                _k("Steamer|蒸锅", "Stainless Steel|不锈钢", "Bamboo|竹制"),
            ),
            materials=_ts(
                "Cast Iron|铸铁",
                "Stainless Steel|不锈钢",
                "Ceramic Non-Stick|陶瓷不粘",
                "Carbon Steel|碳钢",
                "Tri-Ply|三层复底",
            ),
            styles=_ts(
                "Classic|经典",
                "Induction-Ready|电磁炉通用",
                "Lightweight|轻量",
                "Professional|专业级",
            ),
            features=_ts(
                "Heats evenly with no hot spots.|受热均匀，没有局部过热。",
                "Works on gas, electric and induction hobs.|燃气灶、电陶炉、电磁炉都能用。",
                "A stay-cool handle riveted for strength.|防烫手柄，铆钉加固。",
                "Oven safe up to 260 °C.|可进烤箱，耐温260°C。",
                "The more you cook with it, the better it gets.|越用越好用，越用越顺手。",
            ),
            options="cookware",
            price=(89, 1299),
            weight=(800, 4500),
            shape="pan",
            colours=("black", "silver", "red", "green", "blue"),
        ),
        Leaf(
            slug="tableware-mugs",
            name=_t("Tableware & Mugs|餐具杯具"),
            blurb=_t("Mugs, bowls, plates and glasses.|马克杯、碗碟和玻璃杯。"),
            kinds=(
                _k("Coffee Mug|马克杯"),
                _k(
                    "Travel Mug|随行杯",
                    "Stainless Steel|不锈钢",
                    "Ceramic-Lined|陶瓷内胆",
                    styles=("Leak-Proof|防漏", "Insulated|保温"),
                ),
                _k("Dinner Plate Set|餐盘套装"),
                _k("Rice Bowl Set|饭碗套装"),
                _k("Teacup Set|茶杯套装", "Porcelain|白瓷", "Celadon|青瓷", "Glass|玻璃"),
                _k(
                    "Water Glass Set|玻璃水杯套装",
                    "Borosilicate Glass|高硼硅玻璃",
                    "Crystal|水晶",
                    styles=("Minimalist|简约", "Nordic|北欧风", "Hammered|锤纹"),
                ),
                _k(
                    "Chopsticks Set|筷子套装",
                    "Bamboo|竹制",
                    "Walnut|胡桃木",
                    "Alloy|合金",
                    styles=("Japanese-Style|日式", "Minimalist|简约", "Reusable|可重复使用"),
                ),
            ),
            materials=_ts("Ceramic|陶瓷", "Stoneware|粗陶", "Porcelain|白瓷", "Bone China|骨瓷"),
            styles=_ts(
                "Hand-Glazed|手工釉", "Minimalist|简约", "Nordic|北欧风", "Japanese-Style|日式"
            ),
            features=_ts(
                "Each piece is glazed by hand, so no two are quite alike."
                "|每件都是手工上釉，各有不同。",
                "Microwave and dishwasher safe.|可用于微波炉和洗碗机。",
                "Stacks neatly to save cupboard space.|可整齐叠放，节省橱柜空间。",
                "A chip-resistant glaze made for everyday use.|釉面耐磕碰，适合日常使用。",
            ),
            options="colour",
            price=(29, 399),
            weight=(250, 2500),
            shape="mug",
            colours=HOME_COLOURS,
            share=1.2,
        ),
        Leaf(
            slug="bedding",
            name=_t("Bedding|床品"),
            blurb=_t("Duvet covers, pillows, duvets and blankets.|被套、枕头、被子和毯子。"),
            kinds=(
                _k("Duvet Cover Set|被套四件套"),
                _k(
                    "Pillow|枕头",
                    "Memory Foam|记忆棉",
                    "Buckwheat|荞麦",
                    "Latex|乳胶",
                    "Goose Down|鹅绒",
                    options="colour",
                ),
                _k("Duvet|被子", "Goose Down|鹅绒", "Silk|蚕丝", "Wool|羊毛"),
                _k(
                    "Throw Blanket|盖毯",
                    "Wool|羊毛",
                    "Cotton Waffle|华夫格棉",
                    "Fleece|珊瑚绒",
                    options="colour",
                ),
                _k("Fitted Sheet|床笠"),
                _k("Mattress Topper|床垫褥", "Memory Foam|记忆棉", "Latex|乳胶", "Wool|羊毛"),
            ),
            materials=_ts(
                "Long-Staple Cotton|长绒棉",
                "Linen|亚麻",
                "Bamboo|竹纤维",
                "Silk|真丝",
                "Tencel|天丝",
            ),
            styles=_ts(
                "Washed|水洗",
                "Hotel-Quality|酒店同款",
                "Cooling|凉感",
                "Anti-Mite|防螨",
                "Soft-Touch|柔软",
            ),
            features=_ts(
                "Breathable and cool in summer, cosy in winter.|夏季透气凉爽，冬季温暖舒适。",
                "Pre-washed for softness from the first night.|预洗处理，第一晚就柔软亲肤。",
                "Stitched with double seams so it keeps its shape.|双线缝制，久用不变形。",
                "Certified free of harmful substances.|经认证不含有害物质。",
            ),
            options="bedding",
            price=(99, 1999),
            weight=(600, 3500),
            shape="pillow",
            colours=HOME_COLOURS,
        ),
        Leaf(
            slug="storage",
            name=_t("Storage & Organisation|收纳整理"),
            blurb=_t("Boxes, baskets and shelves that tidy up.|收纳箱、收纳篮和置物架。"),
            kinds=(
                _k("Storage Box|收纳箱"),
                _k("Drawer Organiser|抽屉收纳盒"),
                _k("Shoe Rack|鞋架", "Bamboo|竹制", "Steel|钢制"),
                _k("Laundry Basket|脏衣篮", "Rattan|藤编", "Cotton Rope|棉绳", "Fabric|布艺"),
                _k(
                    "Bookshelf|书架",
                    "Bamboo|竹制",
                    "Steel|钢制",
                    "Oak Veneer|橡木贴皮",
                    price=(199, 899),
                ),
                _k("Closet Organiser|衣柜收纳"),
            ),
            materials=_ts(
                "Bamboo|竹制",
                "Rattan|藤编",
                "Steel|钢制",
                "Fabric|布艺",
                "Clear Acrylic|透明亚克力",
            ),
            styles=_ts(
                "Stackable|可叠加", "Foldable|可折叠", "Minimalist|简约", "Space-Saving|省空间"
            ),
            features=_ts(
                "Folds flat when you do not need it.|不用时可折叠收起。",
                "Stacks securely to use the full height of a shelf.|稳固叠放，充分利用层板高度。",
                "Tool-free assembly in under ten minutes.|免工具安装，十分钟搞定。",
                "Sturdy enough for books, shoes or pantry jars.|足够结实，放书、放鞋、放罐子都行。",
            ),
            options="colour",
            price=(29, 699),
            weight=(400, 6000),
            shape="box",
            colours=HOME_COLOURS,
        ),
    ),
    backgrounds=(("#f3f0ea", "#e0d9cc"), ("#eef3f0", "#d5e3da"), ("#f6efe9", "#ead8cb")),
    inks=("#2e8b57", "#d9c7a7", "#2f6fde", "#c8102e", "#1b2a4a", "#f2c230", "#7b4a2d"),
    reviews_good=_ts(
        "Solid and well made, feels like it will last.|做工扎实，感觉能用很久。",
        "Looks even nicer in person.|实物比图片还好看。",
        "Exactly the size I needed.|尺寸正好合适。",
    ),
    reviews_bad=_ts(
        "Arrived with a small chip.|收到时有个小磕碰。",
        "Smaller than I expected.|比想象中小。",
    ),
)

BEAUTY = Top(
    slug="beauty",
    name=_t("Beauty & Personal Care|美妆个护"),
    blurb=_t(
        "Skincare, makeup, hair and body care with clear ingredient lists."
        "|成分透明的护肤、彩妆与洗护。"
    ),
    openers=_ts(
        "The {name} {is} a gentle, effective step in your daily routine."
        "|{name}，日常护理中温和有效的一步。",
        "{brand} formulated {this_kind_l} for all skin types.|{brand}研发的{kind}，适合各种肤质。",
        "Light, fast-absorbing and kind to skin: the {name}.|轻盈好吸收，温和不刺激：{name}。",
    ),
    material_lines=_ts(
        "Made with {material} to leave skin feeling fresh and balanced."
        "|添加{material}，肌肤清爽平衡。",
    ),
    closers=_ts(
        "Dermatologist tested and free from parabens.|经皮肤科测试，不含对羟基苯甲酸酯。",
        "Not tested on animals.|无动物实验。",
        "Patch test before first use.|初次使用前请先做局部测试。",
    ),
    lower_materials=False,
    leaves=(
        Leaf(
            slug="skincare",
            name=_t("Skincare|护肤"),
            blurb=_t("Cleansers, serums, moisturisers and sunscreen.|洁面、精华、面霜与防晒。"),
            kinds=(
                _k("Face Cleanser|洁面乳"),
                _k("Moisturiser|面霜"),
                _k("Serum|精华液"),
                _k(
                    "Sunscreen SPF 50|防晒霜SPF50",
                    "Mineral|物理",
                    "Hyaluronic Acid|玻尿酸",
                    "Green Tea|绿茶",
                ),
                _k("Toner|爽肤水"),
                _k("Sheet Mask Set|面膜套装"),
                _k("Eye Cream|眼霜"),
            ),
            materials=_ts(
                "Green Tea|绿茶",
                "Hyaluronic Acid|玻尿酸",
                "Vitamin C|维C",
                "Niacinamide|烟酰胺",
                "Ceramide|神经酰胺",
                "Centella|积雪草",
                "Rice Water|大米",
            ),
            styles=_ts(
                "Hydrating|补水",
                "Gentle|温和",
                "Brightening|亮肤",
                "Soothing|舒缓",
                "Oil-Control|控油",
            ),
            features=_ts(
                "Absorbs in seconds with no sticky feel.|几秒吸收，不黏腻。",
                "Fragrance-free and suitable for sensitive skin.|无香精，敏感肌可用。",
                "Use morning and evening after cleansing.|早晚洁面后使用。",
                "Visible results in four weeks in our user trial.|用户试用四周可见改善。",
            ),
            options="volume",
            price=(49, 899),
            weight=(60, 300),
            shape="bottle",
            colours=(),
            en_pattern="{brand} {material} {style} {kind}",
            zh_pattern="{brand} {material}{style}{kind}",
            share=1.2,
        ),
        Leaf(
            slug="makeup",
            name=_t("Makeup|彩妆"),
            blurb=_t("Lipsticks, foundations, mascaras and palettes.|口红、粉底、睫毛膏与眼影盘。"),
            kinds=(
                _k("Lipstick|口红"),
                _k("Cushion Foundation|气垫粉底"),
                _k("Mascara|睫毛膏", "Waterproof|防水", "Lengthening|纤长", "Volumising|浓密"),
                _k("Eyeshadow Palette|眼影盘"),
                _k("Blush|腮红"),
                _k("Eyebrow Pencil|眉笔", "Waterproof|防水", "Ultra-Fine|极细"),
            ),
            materials=_ts("Matte|哑光", "Satin|缎光", "Long-Wear|持妆", "Velvet|丝绒", "Dewy|水光"),
            styles=(),
            features=_ts(
                "Rich colour in a single swipe.|一抹显色。",
                "Stays put for up to 12 hours.|持妆长达12小时。",
                "A lightweight formula that does not feel heavy.|质地轻薄，没有厚重感。",
                "Comes in a slim case that fits any bag.|小巧外壳，放进任何包都方便。",
            ),
            options="shade",
            price=(59, 499),
            weight=(20, 150),
            shape="lipstick",
            material_line=False,
            colours=SHADE_COLOURS,
            en_pattern="{brand} {material} {kind}",
            zh_pattern="{brand} {material}{kind}",
        ),
        Leaf(
            slug="hair-body",
            name=_t("Hair & Body|洗护"),
            blurb=_t("Shampoo, body wash, hand cream and more.|洗发水、沐浴露、护手霜等。"),
            kinds=(
                _k("Shampoo|洗发水"),
                _k("Conditioner|护发素"),
                _k("Body Wash|沐浴露"),
                _k("Hand Cream|护手霜"),
                _k("Body Lotion|身体乳"),
                _k("Hair Mask|发膜"),
                _k("Scalp Scrub|头皮磨砂膏"),
            ),
            materials=_ts(
                "Argan Oil|摩洛哥坚果油",
                "Green Tea|绿茶",
                "Sea Salt|海盐",
                "Rose|玫瑰",
                "Oat|燕麦",
                "Tea Tree|茶树",
            ),
            styles=_ts(
                "Nourishing|滋养", "Refreshing|清爽", "Fragrance-Free|无香", "Volumising|丰盈"
            ),
            features=_ts(
                "A mild, pH-balanced formula for daily use.|温和弱酸性配方，适合每天使用。",
                "Rinses off cleanly without drying.|冲洗干净，不紧绷。",
                "A light, fresh scent that does not linger.|清新淡香，不浓烈。",
                "Packaged in recycled and recyclable materials.|包装采用可回收材料。",
            ),
            options="volume",
            price=(29, 299),
            weight=(80, 900),
            shape="tube",
            colours=("white", "green", "blue", "pink", "black"),
            en_pattern="{brand} {material} {style} {kind}",
            zh_pattern="{brand} {material}{style}{kind}",
        ),
    ),
    backgrounds=(("#f8eef0", "#efd6dc"), ("#f4f1ea", "#e6dfcf"), ("#eef4f1", "#d6e7de")),
    inks=("#f0a5b8", "#c8102e", "#d9c7a7", "#2e8b57", "#f6f6f4", "#c9a44c", "#7a4fb5"),
    reviews_good=_ts(
        "My skin feels so much softer.|皮肤变得柔软多了。",
        "Gentle enough for my sensitive skin.|敏感肌用着也不刺激。",
        "Lovely texture and a subtle scent.|质地很好，香味淡淡的。",
    ),
    reviews_bad=_ts(
        "Broke me out a little.|用了有点闷痘。",
        "The scent is stronger than I like.|味道比我想的要浓。",
    ),
)

SPORTS = Top(
    slug="sports-outdoors",
    name=_t("Sports & Outdoors|运动户外"),
    blurb=_t("Gear for running, training, camping and cycling.|跑步、健身、露营和骑行装备。"),
    openers=_ts(
        "The {name} {is} made for people who like to keep moving.|{name}，为热爱运动的你打造。",
        "{brand} tested {this_kind_l} in all weathers before {it} reached the shop."
        "|{brand}的{kind}经过各种天气实测才上架。",
        "Light, tough and ready to go: the {name}.|轻便、耐用、随时出发：{name}。",
    ),
    material_lines=_ts(
        "{material} where it matters, so it holds up trip after trip."
        "|关键部位采用{material}设计，一次次出行都经得住考验。",
    ),
    closers=_ts(
        "Backed by a two-year warranty.|享两年质保。",
        "Rinse with fresh water after use and dry in the shade.|使用后用清水冲洗，阴凉处晾干。",
        "Free exchange within 30 days if it does not fit your training.|30天内不合适可免费换货。",
    ),
    lower_materials=False,
    leaves=(
        Leaf(
            slug="running-gear",
            name=_t("Running Gear|跑步装备"),
            blurb=_t("Socks, belts, caps and vests for runners.|跑步袜、腰包、跑步帽和水袋背心。"),
            kinds=(
                _k(
                    "Running Socks|跑步袜",
                    "Merino|美利奴羊毛",
                    "Cushioned|加厚缓震",
                    "Anti-Blister|防磨",
                    options="socks",
                    price=(29, 129),
                ),
                _k(
                    "Running Belt|跑步腰包",
                    "Bounce-Free|防晃",
                    "Water-Resistant|防泼水",
                    "Reflective|反光",
                ),
                _k(
                    "Running Cap|跑步帽",
                    "Quick-Dry|速干",
                    "Reflective|反光",
                    "Lightweight Mesh|轻量网眼",
                ),
                _k(
                    "Hydration Vest|越野跑水袋背心",
                    "Lightweight Mesh|轻量网眼",
                    "5 L|5升",
                    "12 L|12升",
                    price=(199, 899),
                ),
                _k("Running Armband|跑步臂包", "Sweatproof|防汗", "Reflective|反光"),
                _k(
                    "Sports Water Bottle|运动水壶",
                    "Insulated|保温",
                    "Squeeze|挤压式",
                    "Collapsible|可折叠",
                    options="bottle",
                ),
                _k(
                    "Compression Sleeves|压缩腿套",
                    "Graduated|梯度压缩",
                    "Seamless|无缝",
                    options="socks",
                ),
            ),
            materials=(),
            styles=_ts("Trail|越野", "Marathon|马拉松", "Night-Run|夜跑", "Ultralight|超轻"),
            features=_ts(
                "Stays put without bouncing, even at race pace.|比赛配速下也稳固不晃动。",
                "Reflective trims for running before sunrise or after dark."
                "|反光条设计，日出前或天黑后跑步更安心。",
                "Dries fast and does not hold on to sweat.|速干排汗，不闷湿。",
                "Tested on marathons, trail races and long Sunday runs."
                "|经马拉松、越野赛和周末长距离实测。",
            ),
            options="colour",
            price=(29, 399),
            weight=(40, 600),
            shape="sportbottle",
            material_line=False,
            colours=BRIGHT_COLOURS,
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
        ),
        Leaf(
            slug="yoga-fitness",
            name=_t("Yoga & Fitness|瑜伽健身"),
            blurb=_t(
                "Mats, weights, bands and rollers for training at home."
                "|瑜伽垫、哑铃、弹力带与泡沫轴，居家训练。"
            ),
            kinds=(
                _k(
                    "Yoga Mat|瑜伽垫",
                    "Natural Rubber|天然橡胶",
                    "TPE|TPE",
                    "Cork|软木",
                    styles=("Non-Slip|防滑", "Extra-Thick|加厚", "Travel|旅行"),
                ),
                _k(
                    "Dumbbell Set|哑铃套装",
                    "Cast Iron|铸铁",
                    "Neoprene-Coated|包胶",
                    styles=("Adjustable|可调节", "Hex|六角"),
                    options="dumbbell",
                ),
                _k(
                    "Resistance Bands|弹力带",
                    "Latex|乳胶",
                    "Fabric|布艺",
                    styles=("5-Level|五档", "Long|长款"),
                ),
                _k(
                    "Foam Roller|泡沫轴",
                    "EVA|EVA",
                    "Textured|狼牙",
                    styles=("Deep-Tissue|深层按摩", "Compact|短款"),
                ),
                _k(
                    "Kettlebell|壶铃",
                    "Cast Iron|铸铁",
                    "Vinyl-Coated|包胶",
                    styles=("Competition|竞技", "Classic|经典"),
                    options="dumbbell",
                ),
                _k(
                    "Jump Rope|跳绳",
                    "Steel Cable|钢丝",
                    "Beaded|竹节",
                    styles=("Speed|竞速", "Weighted|负重"),
                ),
                _k(
                    "Yoga Blocks|瑜伽砖",
                    "Cork|软木",
                    "EVA Foam|EVA泡棉",
                    styles=("Set of 2|两块装", "Classic|经典"),
                ),
            ),
            materials=(),
            styles=(),
            features=_ts(
                "A non-slip surface that grips even in a hot class.|防滑表面，高温瑜伽也不打滑。",
                "Compact enough to store under the sofa.|小巧，可收纳在沙发底下。",
                "Odour-free materials, safe for the whole family.|环保无异味，全家都能放心用。",
                "Comes with a printed guide of twenty beginner exercises.|附赠20个入门动作图解。",
            ),
            options="colour",
            price=(29, 1299),
            weight=(200, 20000),
            shape="dumbbell",
            material_line=False,
            colours=("purple", "green", "blue", "pink", "black", "grey", "orange"),
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
        ),
        Leaf(
            slug="camping-hiking",
            name=_t("Camping & Hiking|露营徒步"),
            blurb=_t("Tents, sleeping bags, packs and lights.|帐篷、睡袋、背包和照明。"),
            kinds=(
                _k(
                    "Tent|帐篷",
                    "Ultralight|超轻",
                    "Waterproof|防水",
                    "Pop-Up|速开",
                    styles=("2-Person|双人", "4-Person|四人", "Three-Season|三季"),
                ),
                _k(
                    "Sleeping Bag|睡袋",
                    "Down|羽绒",
                    "Synthetic|化纤",
                    styles=("Three-Season|三季", "Mummy|木乃伊式", "Ultralight|超轻"),
                ),
                _k(
                    "Hiking Backpack|登山包",
                    "Waterproof|防水",
                    "Ripstop|防撕裂",
                    styles=("30 L|30升", "45 L|45升", "Daypack|轻便"),
                ),
                _k(
                    "Camping Chair|露营椅",
                    "Aluminium|铝合金",
                    "Folding|折叠",
                    styles=("Low|矮款", "Moon|月亮椅"),
                ),
                _k(
                    "Trekking Poles|登山杖",
                    "Carbon Fibre|碳纤维",
                    "Aluminium|铝合金",
                    styles=("Folding|折叠", "Telescopic|伸缩"),
                ),
                _k(
                    "Headlamp|头灯",
                    "Rechargeable|可充电",
                    "Waterproof|防水",
                    styles=("400-Lumen|400流明", "Ultralight|超轻"),
                ),
                _k(
                    "Camping Lantern|露营灯",
                    "Rechargeable|可充电",
                    "Solar|太阳能",
                    styles=("Retro|复古", "Dimmable|可调光"),
                ),
            ),
            materials=(),
            styles=(),
            features=_ts(
                "Tested on multi-day treks in the Hengduan Mountains.|在横断山区多日徒步中实测。",
                "Packs down small enough to strap to a backpack.|收纳体积小，可挂在背包外。",
                "Built to shrug off rain, dust and cold nights.|风雨、尘土和寒夜都不在话下。",
                "Light enough for long treks.|够轻，长途徒步也不累赘。",
            ),
            options="colour",
            price=(49, 2999),
            weight=(100, 4000),
            shape="tent",
            material_line=False,
            colours=("green", "olive", "orange", "grey", "blue", "beige"),
            en_pattern="{brand} {material} {style} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
        ),
        Leaf(
            slug="cycling",
            name=_t("Cycling|骑行"),
            blurb=_t("Helmets, lights, jerseys and locks.|头盔、车灯、骑行服和车锁。"),
            kinds=(
                _k("Cycling Helmet|骑行头盔", "Aero|气动", "MIPS|MIPS", "Lightweight|轻量"),
                _k(
                    "Bike Light Set|自行车灯",
                    "Rechargeable|可充电",
                    "USB-C|USB-C",
                    "Waterproof|防水",
                ),
                _k("Cycling Jersey|骑行服", "Breathable|透气", "Quick-Dry|速干", options="apparel"),
                _k(
                    "Cycling Gloves|骑行手套",
                    "Gel-Padded|硅胶垫",
                    "Touchscreen|触屏",
                    options="apparel",
                ),
                _k("Bike Lock|自行车锁", "Folding|折叠", "U-Lock|U型", "Chain|链条"),
                _k("Saddle Bag|车座包", "Waterproof|防水", "Expandable|可扩容"),
            ),
            materials=(),
            styles=_ts("Road|公路", "Mountain|山地", "Commuter|通勤", "Gravel|砾石"),
            features=_ts(
                "Made for daily commutes and long weekend rides.|通勤与周末长途骑行都适用。",
                "Tested through a season of rain, dust and winter cold."
                "|经历了一整季风雨和严寒的测试。",
                "Built to meet EN and GB safety standards.|符合欧标与国标安全要求。",
                "Reflective details keep you visible after dark.|反光细节，夜骑更醒目。",
            ),
            options="colour",
            price=(39, 1499),
            weight=(80, 1500),
            shape="wheel",
            material_line=False,
            colours=BRIGHT_COLOURS,
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
        ),
    ),
    backgrounds=(("#eaf3ee", "#cfe3d7"), ("#eef2f7", "#d3dde9"), ("#f6f1e7", "#e7dcc5")),
    inks=("#ef7d22", "#2e8b57", "#2f6fde", "#1f2328", "#f2c230", "#708238", "#c8102e"),
    reviews_good=_ts(
        "Survived a week of rain on the trail.|在山里下了一周雨也没问题。",
        "Light and tough, exactly what I needed.|又轻又结实，正是我需要的。",
        "Great value for the quality.|这个品质这个价格很值。",
    ),
    reviews_bad=_ts(
        "The zip feels a bit flimsy.|拉链有点不结实。",
        "Heavier than the listing suggests.|比描述的重。",
    ),
)

FOOD = Top(
    slug="food-drink",
    name=_t("Food & Drink|食品饮料"),
    blurb=_t(
        "Tea, coffee, snacks and pantry staples from trusted growers."
        "|来自可靠产地的茶叶、咖啡、零食和粮油调味。"
    ),
    openers=_ts(
        "The {name} {is} a small everyday pleasure.|{name}，日常里的小确幸。",
        "{brand} sources {this_kind_l} directly from growers it knows."
        "|{brand}的{kind}直接从熟识的产地采购。",
        "Fresh, honest and full of flavour: the {name}.|新鲜、实在、风味十足：{name}。",
    ),
    material_lines=_ts(
        "{material} gives it its distinctive character.|{material}带来独特风味。",
    ),
    closers=_ts(
        "Store in a cool, dry place away from sunlight.|请存放于阴凉干燥处，避免阳光直射。",
        "Best within twelve months of the date on the pack.|自包装日期起十二个月内食用最佳。",
        "Packed in a resealable bag to keep it fresh.|可重复密封包装，保持新鲜。",
    ),
    lower_materials=False,
    leaves=(
        Leaf(
            slug="tea",
            name=_t("Tea|茶叶"),
            blurb=_t("Green, oolong, black, white and pu'er tea.|绿茶、乌龙、红茶、白茶和普洱。"),
            kinds=(
                _k(
                    "Green Tea|绿茶",
                    "Longjing|龙井",
                    "Biluochun|碧螺春",
                    "Huangshan Maofeng|黄山毛峰",
                    "Jasmine|茉莉",
                ),
                _k(
                    "Oolong Tea|乌龙茶",
                    "Tieguanyin|铁观音",
                    "Da Hong Pao|大红袍",
                    "Phoenix Dancong|凤凰单丛",
                ),
                _k("Black Tea|红茶", "Keemun|祁门", "Dianhong|滇红", "Lapsang Souchong|正山小种"),
                _k("Pu'er Tea|普洱茶", "Ripe|熟", "Raw|生", "Aged|陈年"),
                _k(
                    "White Tea|白茶", "Silver Needle|白毫银针", "White Peony|白牡丹", "Shoumei|寿眉"
                ),
                _k(
                    "Tea Bags|袋泡茶",
                    "Jasmine Green|茉莉绿茶",
                    "Peach Oolong|白桃乌龙",
                    "Earl Grey|伯爵红茶",
                    "Chamomile|洋甘菊",
                ),
            ),
            materials=(),
            styles=_ts("Premium|特级", "Spring-Picked|明前", "Organic|有机", "Hand-Rolled|手工"),
            features=_ts(
                "Picked in early spring when the leaves are most tender.|早春采摘，芽叶最为细嫩。",
                "Brew at 80 to 85 °C for two minutes, then enjoy several infusions."
                "|80至85°C水温冲泡两分钟，可多次续泡。",
                "A clear, sweet finish with no bitterness.|汤色清亮，回甘无苦涩。",
                "Traceable to a single garden.|可追溯至单一茶园。",
            ),
            options="tea",
            price=(39, 899),
            weight=(60, 600),
            shape="tin",
            material_line=False,
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
            share=1.1,
        ),
        Leaf(
            slug="coffee",
            name=_t("Coffee|咖啡"),
            blurb=_t(
                "Beans, ground coffee, drip bags and brewing gear.|咖啡豆、咖啡粉、挂耳和冲煮器具。"
            ),
            kinds=(
                _k("Coffee Beans|咖啡豆"),
                _k("Ground Coffee|咖啡粉"),
                _k("Drip Coffee Bags|挂耳咖啡"),
                _k(
                    "Instant Coffee|冻干咖啡",
                    "Colombian|哥伦比亚",
                    "Espresso Blend|意式拼配",
                    "Yunnan|云南",
                ),
                _k("Cold Brew Concentrate|冷萃咖啡液"),
                _k(
                    "Pour-Over Dripper|手冲滤杯",
                    "Ceramic|陶瓷",
                    "Glass|玻璃",
                    "Copper|铜",
                    styles=("Classic|经典", "Flat-Bottom|平底"),
                    options="colour",
                    price=(59, 299),
                ),
            ),
            materials=_ts(
                "Yunnan|云南",
                "Ethiopian Yirgacheffe|埃塞俄比亚耶加雪菲",
                "Colombian|哥伦比亚",
                "Brazilian|巴西",
                "Espresso Blend|意式拼配",
                "Kenyan|肯尼亚",
            ),
            styles=_ts(
                "Light Roast|浅烘", "Medium Roast|中烘", "Dark Roast|深烘", "Single-Origin|单一产地"
            ),
            features=_ts(
                "Roasted in small batches and shipped within a week.|小批量烘焙，一周内发货。",
                "Notes of stone fruit, cocoa and brown sugar.|带有核果、可可与红糖风味。",
                "Great as pour-over, in a moka pot or as espresso.|手冲、摩卡壶、意式都适合。",
                "Grown at altitude by farmers paid above market price."
                "|高海拔种植，以高于市场的价格收购。",
            ),
            options="coffee",
            price=(29, 399),
            weight=(100, 1100),
            shape="bag",
            material_line=False,
            colours=("white", "black", "beige", "brown"),
            en_pattern="{brand} {material} {style} {kind}",
            zh_pattern="{brand} {material}{style}{kind}",
        ),
        Leaf(
            slug="snacks",
            name=_t("Snacks|零食"),
            blurb=_t("Cookies, nuts, dried fruit and treats.|饼干、坚果、果干和小零嘴。"),
            kinds=(
                _k("Butter Cookies|黄油曲奇", options="flavoured"),
                _k("Mixed Nuts|每日坚果"),
                _k("Dried Mango|芒果干"),
                _k("Rice Crackers|米饼", options="flavoured"),
                _k("Beef Jerky|牛肉干", "Spicy|麻辣", "Five-Spice|五香", "Black Pepper|黑胡椒"),
                _k(
                    "Mooncakes|月饼",
                    "Lotus Seed|莲蓉",
                    "Red Bean|红豆",
                    "Salted Egg Yolk|蛋黄",
                    options="flavoured",
                ),
                _k(
                    "Chocolate Bar|巧克力",
                    "Dark|黑",
                    "Milk|牛奶",
                    "Sea Salt|海盐",
                    options="flavoured",
                ),
            ),
            materials=(),
            styles=_ts("Crispy|香脆", "Low-Sugar|低糖", "Hand-Made|手工", "Family-Size|家庭装"),
            features=_ts(
                "No artificial colours or preservatives.|不添加人工色素和防腐剂。",
                "Individually wrapped for the office or a long drive."
                "|独立小包装，办公室、自驾都方便。",
                "Baked in small batches for a fresh crunch.|小批量现烤，口感酥脆。",
                "A favourite with children and grown-ups alike.|大人小孩都爱吃。",
            ),
            options="snack",
            price=(19, 199),
            weight=(150, 1100),
            shape="jar",
            material_line=False,
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
            share=1.2,
        ),
        Leaf(
            slug="pantry",
            name=_t("Pantry|粮油调味"),
            blurb=_t("Rice, noodles, sauces and oils.|大米、面条、酱料和食用油。"),
            kinds=(
                _k("Soy Sauce|酱油"),
                _k("Chilli Crisp|香辣脆油辣椒"),
                _k("Jasmine Rice|香米"),
                _k("Sesame Oil|芝麻油"),
                _k("Black Vinegar|陈醋"),
                _k("Wheat Noodles|挂面"),
                _k("Wildflower Honey|百花蜜"),
            ),
            materials=(),
            styles=_ts("Organic|有机", "Premium|特级", "Traditional|古法", "Small-Batch|小批量"),
            features=_ts(
                "Made the slow, traditional way.|遵循传统工艺慢慢酿制。",
                "A staple in kitchens across China.|中国家庭厨房的必备。",
                "Short ingredient list, nothing you cannot pronounce.|配料表简单干净。",
                "Great in stir-fries, dressings and dips.|适合炒菜、凉拌和蘸料。",
            ),
            options="weight",
            price=(15, 199),
            weight=(300, 5200),
            shape="jar",
            en_pattern="{brand} {style} {kind}",
            zh_pattern="{brand} {style}{kind}",
        ),
    ),
    backgrounds=(("#f5f1e6", "#e8dcc0"), ("#eef4ea", "#d5e6cc"), ("#f7ede6", "#ecd3c2")),
    inks=("#2e8b57", "#7b4a2d", "#c9a44c", "#c8102e", "#708238", "#ef7d22", "#1b2a4a"),
    reviews_good=_ts(
        "Fresh and full of flavour.|新鲜，味道很足。",
        "Already ordered a second pack.|已经回购第二包了。",
        "Nicely packaged, makes a good gift.|包装精美，送人也合适。",
    ),
    reviews_bad=_ts(
        "Not as fresh as I hoped.|没有想象中新鲜。",
        "The taste is a bit flat.|味道有点淡。",
    ),
)

BOOKS = Top(
    slug="books-stationery",
    name=_t("Books & Stationery|图书文具"),
    blurb=_t(
        "Notebooks, pens and practical books for learning something new."
        "|笔记本、书写工具和实用图书，学点新东西。"
    ),
    openers=_ts(
        "The {name} {is} made for people who still love paper.|{name}，献给依然热爱纸张的人。",
        "{brand} made {this_kind_l} to be used, not just admired.|{brand}出品，经得起天天使用。",
        "Thoughtfully made: the {name}.|用心之作：{name}。",
    ),
    material_lines=_ts(
        "{material}, so it works the way you do.|{material}设计，贴合你的使用习惯。",
    ),
    closers=_ts(
        "A thoughtful gift for students and colleagues.|送给同学和同事的贴心礼物。",
        "Ships in a protective sleeve so the corners arrive sharp.|配保护套发货，边角完好。",
    ),
    lower_materials=False,
    leaves=(
        Leaf(
            slug="notebooks",
            name=_t("Notebooks & Planners|本册手帐"),
            blurb=_t(
                "Notebooks, planners, sketchbooks and journals.|笔记本、手帐、速写本和日记本。"
            ),
            kinds=(
                _k("Notebook|笔记本"),
                _k("Planner|手帐"),
                _k(
                    "Sketchbook|速写本",
                    "Heavyweight Paper|厚磅纸",
                    "Lay-Flat|可平摊",
                    "Recycled Paper|再生纸",
                ),
                _k("Journal|日记本"),
                _k(
                    "Sticky Notes|便利贴",
                    "Recycled Paper|再生纸",
                    "Transparent|透明",
                    styles=("Pastel|马卡龙色", "Classic|经典"),
                ),
            ),
            materials=_ts(
                "Leather-Bound|皮面",
                "Dot-Grid|点阵",
                "Recycled Paper|再生纸",
                "Hardcover|硬面",
                "Lay-Flat|可平摊",
            ),
            styles=_ts("A5|A5", "B5|B5", "Pocket|口袋", "A6|A6"),
            features=_ts(
                "Fountain-pen friendly paper with no bleed-through.|钢笔友好纸张，不洇不透。",
                "Opens flat so you can write right up to the spine.|可180°平摊，书写到书脊也方便。",
                "Numbered pages and an index to find things later.|页码加索引，方便日后查找。",
                "An elastic closure and a ribbon bookmark.|附松紧带和丝带书签。",
            ),
            options="colour",
            price=(9, 199),
            weight=(80, 500),
            shape="notebook",
            colours=HOME_COLOURS,
        ),
        Leaf(
            slug="pens-writing",
            name=_t("Pens & Writing|书写工具"),
            blurb=_t("Fountain pens, gel pens, pencils and markers.|钢笔、中性笔、铅笔与马克笔。"),
            kinds=(
                _k(
                    "Fountain Pen|钢笔",
                    "Brass|黄铜",
                    "Resin|树脂",
                    "Aluminium|铝制",
                    price=(59, 899),
                ),
                _k("Gel Pen Set|中性笔套装", "Quick-Dry|速干", "0.5 mm|0.5mm", "Retractable|按动"),
                _k(
                    "Mechanical Pencil|自动铅笔",
                    "Aluminium|铝制",
                    "0.5 mm|0.5mm",
                    "Anti-Break|防断芯",
                ),
                _k("Fineliner Set|针管笔套装", "0.4 mm|0.4mm", "Waterproof|防水"),
                _k("Highlighter Set|荧光笔套装", "Pastel|柔色", "Smear-Proof|防晕染"),
                _k("Brush Pen|软头笔", "Calligraphy|书法", "Watercolour|水彩"),
            ),
            materials=(),
            styles=_ts("Classic|经典", "Retro|复古", "Slim|纤细", "Everyday|日常"),
            features=_ts(
                "Smooth, skip-free ink from the first line.|出墨顺滑，首笔不断墨。",
                "A balanced weight that stays comfortable in long writing sessions."
                "|配重均衡，久写不累。",
                "Refillable, so you keep the pen and replace the ink.|可替换笔芯，笔身长久使用。",
                "Quick-drying ink that will not smudge.|速干墨水，不易蹭脏。",
            ),
            options="colour",
            price=(9, 299),
            weight=(10, 120),
            shape="pen",
            material_line=False,
            colours=("black", "blue", "red", "green", "navy", "silver", "gold"),
            en_pattern="{brand} {style} {material} {kind}",
            zh_pattern="{brand} {style}{material}{kind}",
        ),
        Leaf(
            slug="books",
            name=_t("Books|图书"),
            blurb=_t(
                "Practical books on cooking, running, making and more.|烹饪、跑步、手作等实用图书。"
            ),
            kinds=(
                _k("Handbook|手册"),
                _k("Guide|指南"),
                _k("Companion|宝典"),
                _k("Workbook|练习册"),
            ),
            materials=_ts(
                "Running|跑步",
                "Home Coffee|家庭咖啡",
                "Sourdough Baking|酸种面包烘焙",
                "Watercolour|水彩",
                "Python Programming|Python编程",
                "Urban Gardening|城市园艺",
                "Sichuan Cooking|川菜",
                "Street Photography|街头摄影",
                "Trail Hiking|山野徒步",
                "Tea Appreciation|品茶",
                "Minimalist Living|极简生活",
                "Personal Finance|个人理财",
                "Yoga|瑜伽",
                "Chinese Calligraphy|书法",
                "Marathon Training|马拉松训练",
                "Skincare Science|护肤科学",
            ),
            styles=_ts(
                "Complete|完全",
                "Essential|必备",
                "Beginner's|入门",
                "Illustrated|图解",
                "Practical|实用",
            ),
            features=_ts(
                "Step-by-step chapters with clear photographs.|分步章节，配清晰图片。",
                "Written by a practitioner with twenty years of experience."
                "|作者拥有二十年实践经验。",
                "Includes exercises and checklists at the end of each chapter."
                "|每章末附练习和清单。",
                "Bilingual glossary of key terms at the back.|书末附中英对照术语表。",
            ),
            options="book",
            price=(29, 168),
            weight=(250, 900),
            shape="book",
            material_line=False,
            series=("2nd Edition", "Revised", "Vol. 1", "Vol. 2"),
            en_pattern="The {style} {material} {kind} {series}",
            zh_pattern="{material}{style}{kind} {series}",
        ),
    ),
    backgrounds=(("#f4efe6", "#e4d8c3"), ("#edf0f5", "#d5dbe6"), ("#f5ece9", "#e6d1ca")),
    inks=("#1b2a4a", "#c8102e", "#2e8b57", "#c9a44c", "#7b4a2d", "#2f6fde", "#708238"),
    reviews_good=_ts(
        "The paper quality is excellent.|纸张质量非常好。",
        "Clear, practical and well organised.|内容清晰实用，条理分明。",
        "Writes beautifully.|写起来很顺手。",
    ),
    reviews_bad=_ts(
        "Ink skipped a few times.|偶尔会断墨。",
        "Thinner than I expected.|比想象中薄。",
    ),
)

TOPS: tuple[Top, ...] = (CLOTHING, SHOES, ELECTRONICS, HOME, BEAUTY, SPORTS, FOOD, BOOKS)

# Book series text in Chinese.
_SERIES_ZH = {
    "2nd Edition": "（第2版）",
    "Revised": "（修订版）",
    "Vol. 1": "（上册）",
    "Vol. 2": "（下册）",
}

# Leaves whose products are often bought together (the recommender should find these pairs).
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    "running-shoes": ("running-gear", "trousers-shorts", "wearables"),
    "smartphones": ("chargers-accessories", "audio"),
    "computers-tablets": ("chargers-accessories",),
    "coffee": ("tableware-mugs",),
    "tea": ("tableware-mugs", "snacks"),
    "cookware": ("pantry", "tableware-mugs"),
    "camping-hiking": ("running-gear", "jackets-coats"),
    "yoga-fitness": ("tees-tops", "running-gear"),
    "notebooks": ("pens-writing",),
    "skincare": ("makeup", "hair-body"),
    "bedding": ("storage",),
    "boots": ("knitwear", "jackets-coats"),
}


@dataclass(frozen=True)
class Brand:
    name: str
    tops: tuple[str, ...]


BRANDS: tuple[Brand, ...] = (
    Brand("Linen & Loom", ("clothing",)),
    Brand("Urban Thread", ("clothing",)),
    Brand("Mori Basics", ("clothing", "home-kitchen")),
    Brand("Kestrel", ("clothing", "shoes")),
    Brand("Northpeak", ("clothing", "sports-outdoors", "shoes")),
    Brand("Strideon", ("shoes", "sports-outdoors")),
    Brand("Cobble & Co.", ("shoes",)),
    Brand("Fleetfoot", ("shoes", "sports-outdoors")),
    Brand("Terrasole", ("shoes",)),
    Brand("Voltix", ("electronics",)),
    Brand("Novaphone", ("electronics",)),
    Brand("Auralis", ("electronics",)),
    Brand("Pixelwave", ("electronics",)),
    Brand("Ampere Lab", ("electronics",)),
    Brand("Hearth & Oak", ("home-kitchen",)),
    Brand("Casa Ming", ("home-kitchen",)),
    Brand("Kiln Studio", ("home-kitchen", "food-drink")),
    Brand("Tidy Nest", ("home-kitchen",)),
    Brand("Dreamweave", ("home-kitchen",)),
    Brand("Aurelle", ("beauty",)),
    Brand("Lotus Dew", ("beauty",)),
    Brand("Pure Island", ("beauty",)),
    Brand("Verdance", ("beauty",)),
    Brand("Trailcraft", ("sports-outdoors",)),
    Brand("Summit Ridge", ("sports-outdoors", "clothing")),
    Brand("Pace Lab", ("sports-outdoors", "electronics")),
    Brand("Corefit", ("sports-outdoors",)),
    Brand("Spoke & Chain", ("sports-outdoors",)),
    Brand("Cloudleaf", ("food-drink",)),
    Brand("Harbor Roasters", ("food-drink",)),
    Brand("Misty Peak", ("food-drink",)),
    Brand("Goldgrain", ("food-drink",)),
    Brand("Sweet Lantern", ("food-drink",)),
    Brand("Red Lantern Pantry", ("food-drink",)),
    Brand("Paperfield", ("books-stationery",)),
    Brand("Inkwell", ("books-stationery",)),
    Brand("Brightpage Press", ("books-stationery",)),
    Brand("Quill & Fold", ("books-stationery",)),
    Brand("Saturday Studio", ("books-stationery", "home-kitchen")),
    Brand("Everyday Goods", ("home-kitchen", "beauty", "food-drink")),
)


@dataclass(frozen=True)
class MerchantSpec:
    name: str
    slug: str
    tops: tuple[str, ...]


MERCHANTS: tuple[MerchantSpec, ...] = (
    MerchantSpec("Lumen Apparel", "lumen-apparel", ("clothing", "shoes")),
    MerchantSpec("Circuit Harbor", "circuit-harbor", ("electronics",)),
    MerchantSpec("Green Valley Market", "green-valley-market", ("food-drink", "beauty")),
    MerchantSpec(
        "Trail & Page", "trail-and-page", ("sports-outdoors", "books-stationery", "home-kitchen")
    ),
)


@dataclass(frozen=True)
class WarehouseSpec:
    code: str
    name: str
    province: str
    city: str
    district: str
    street: str
    latitude: str
    longitude: str


WAREHOUSES: tuple[WarehouseSpec, ...] = (
    WarehouseSpec(
        "sh-pudong",
        "Shanghai Pudong",
        "上海市",
        "上海市",
        "浦东新区",
        "川沙路6999号",
        "31.194200",
        "121.700900",
    ),
    WarehouseSpec(
        "cd-shuangliu",
        "Chengdu Shuangliu",
        "四川省",
        "成都市",
        "双流区",
        "物联大道188号",
        "30.558300",
        "103.923700",
    ),
    WarehouseSpec(
        "gz-baiyun",
        "Guangzhou Baiyun",
        "广东省",
        "广州市",
        "白云区",
        "机场路1818号",
        "23.241200",
        "113.273100",
    ),
)


# --- Places for shoppers' addresses: province, city, postal-code prefix, districts, weight ------
@dataclass(frozen=True)
class City:
    province: str
    city: str
    postal: str
    districts: tuple[str, ...]
    weight: float


CITIES: tuple[City, ...] = (
    City(
        "上海市", "上海市", "200", ("浦东新区", "徐汇区", "静安区", "黄浦区", "闵行区", "杨浦区"), 9
    ),
    City("北京市", "北京市", "100", ("朝阳区", "海淀区", "东城区", "西城区", "丰台区"), 8),
    City("广东省", "广州市", "510", ("天河区", "越秀区", "海珠区", "白云区", "番禺区"), 7),
    City("广东省", "深圳市", "518", ("南山区", "福田区", "罗湖区", "宝安区", "龙华区"), 7),
    City("浙江省", "杭州市", "310", ("西湖区", "上城区", "拱墅区", "滨江区", "余杭区"), 6),
    City("四川省", "成都市", "610", ("锦江区", "武侯区", "青羊区", "成华区", "双流区"), 6),
    City("江苏省", "南京市", "210", ("玄武区", "鼓楼区", "秦淮区", "建邺区"), 4),
    City("江苏省", "苏州市", "215", ("姑苏区", "吴中区", "虎丘区", "相城区"), 4),
    City("重庆市", "重庆市", "400", ("渝中区", "江北区", "南岸区", "沙坪坝区"), 4),
    City("湖北省", "武汉市", "430", ("江汉区", "武昌区", "洪山区", "汉阳区"), 4),
    City("天津市", "天津市", "300", ("和平区", "南开区", "河西区"), 3),
    City("陕西省", "西安市", "710", ("雁塔区", "碑林区", "莲湖区", "未央区"), 3),
    City("湖南省", "长沙市", "410", ("岳麓区", "芙蓉区", "天心区", "开福区"), 3),
    City("浙江省", "宁波市", "315", ("鄞州区", "海曙区", "江北区"), 2),
    City("福建省", "厦门市", "361", ("思明区", "湖里区", "集美区"), 2),
    City("福建省", "福州市", "350", ("鼓楼区", "台江区", "仓山区"), 2),
    City("山东省", "青岛市", "266", ("市南区", "市北区", "崂山区"), 2),
    City("山东省", "济南市", "250", ("历下区", "市中区", "槐荫区"), 2),
    City("河南省", "郑州市", "450", ("金水区", "二七区", "中原区"), 2),
    City("辽宁省", "沈阳市", "110", ("和平区", "沈河区", "皇姑区"), 2),
    City("辽宁省", "大连市", "116", ("中山区", "沙河口区", "甘井子区"), 1),
    City("云南省", "昆明市", "650", ("五华区", "盘龙区", "官渡区"), 1),
    City("安徽省", "合肥市", "230", ("蜀山区", "庐阳区", "包河区"), 2),
    City("黑龙江省", "哈尔滨市", "150", ("南岗区", "道里区", "香坊区"), 1),
    City("广西壮族自治区", "南宁市", "530", ("青秀区", "兴宁区", "西乡塘区"), 1),
    City("贵州省", "贵阳市", "550", ("南明区", "云岩区", "观山湖区"), 1),
)

STREET_ROOTS = (
    "人民", "建设", "解放", "中山", "南京", "长江", "黄河", "和平", "胜利", "文化", "学院", "科技",
    "滨江", "湖滨", "新华", "东风", "青年", "朝阳", "光明", "幸福", "金桥", "世纪", "迎宾", "花园",
)  # fmt: skip
STREET_SUFFIXES = ("路", "路", "街", "大道", "东路", "西路", "北路", "南路")
ESTATES = ("小区", "花园", "公寓", "家园", "苑", "华庭")
ESTATE_ROOTS = ("锦绣", "阳光", "翠湖", "绿城", "金色", "万科", "碧桂", "新城", "御景", "丽都")


# --- Reviews ---------------------------------------------------------------------------------
REVIEW_TITLES: dict[int, tuple[Term, ...]] = {
    5: _ts(
        "Love it|很喜欢",
        "Excellent quality|质量很好",
        "Exactly what I wanted|正是我想要的",
        "Would buy again|会回购",
    ),
    4: _ts("Very good|挺好的", "Good value|性价比高", "Happy with it|满意", "Nice|不错"),
    3: _ts("It's okay|还可以", "Average|一般般", "Does the job|够用"),
    2: _ts("Disappointed|有点失望", "Not as described|与描述不符", "Meh|不太行"),
    1: _ts("Poor quality|质量差", "Would not recommend|不推荐", "Returned it|已退货"),
}
REVIEW_BODIES: dict[int, tuple[Term, ...]] = {
    5: _ts(
        "Exactly as described and it arrived quickly.|和描述一致，发货也很快。",
        "Really impressed, worth every yuan.|非常满意，物超所值。",
        "Bought one for a friend as well.|又给朋友买了一个。",
    ),
    4: _ts(
        "Good quality for the price, delivery was quick.|这个价位质量不错，物流也快。",
        "Does what it says; one small niggle but I am happy.|跟描述一致，有个小瑕疵但总体满意。",
        "Nice product, packaging could be better.|东西不错，包装可以再好点。",
    ),
    3: _ts(
        "It is fine, nothing special.|还行，没什么特别的。",
        "Okay for the price.|这个价格还可以。",
        "Average quality, took a while to arrive.|质量一般，物流有点慢。",
    ),
    2: _ts(
        "Not quite what I expected.|和预期不太一样。",
        "Quality is so-so for the price.|这个价格质量一般。",
        "Customer service was helpful, the product less so.|客服态度不错，东西一般。",
    ),
    1: _ts(
        "Poor quality, I sent it back.|质量太差，已经退货。",
        "Broke within a week.|一周就坏了。",
        "Nothing like the pictures.|和图片完全不一样。",
    ),
}


# --- Assembly --------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")


# Words that keep their capital inside a sentence.
_PROPER = frozenset(("Chelsea", "Dutch", "Pu'er", "Earl", "Grey", "Python", "Sichuan", "Chinese"))


def _lower_word(word: str) -> str:
    """'Running' -> 'running', 'T-Shirt' -> 'T-shirt', 'USB-C' stays, '5G' stays."""
    if word in _PROPER:
        return word
    parts = word.split("-")
    out = []
    for part in parts:
        if len(part) > 1 and part[0].isupper() and part[1:].islower():
            out.append(part.lower())
        else:
            out.append(part)
    return "-".join(out)


def lower_phrase(text: str) -> str:
    return " ".join(_lower_word(w) for w in text.split(" "))


def is_plural(noun: str) -> bool:
    """'Running Shoes', 'Chinos' are plural; 'Dumbbell Set', 'Glass' are not."""
    return noun.endswith("s") and not noun.endswith("ss")


def _fill(pattern: str, **slots: str) -> str:
    return _SPACES.sub(" ", pattern.format(**slots)).strip()


@dataclass(frozen=True)
class ProductWords:
    """The words chosen for one product; names and descriptions are assembled from them."""

    top: Top
    leaf: Leaf
    kind: Kind
    brand: str
    material: Term | None
    style: Term | None
    series: str = ""
    sentences: tuple[Term, ...] = field(default=())

    @property
    def options(self) -> str:
        return self.kind.options or self.leaf.options

    @property
    def price_range(self) -> tuple[int, int]:
        return self.kind.price or self.leaf.price


def choose_words(rng: random.Random, top: Top, leaf: Leaf, brand: str) -> ProductWords:
    kind = rng.choice(leaf.kinds)
    materials = kind.materials or leaf.materials
    styles = leaf.styles if kind.styles is None else kind.styles
    material = rng.choice(materials) if materials else None
    style = rng.choice(styles) if styles else None
    # Names leave out a word now and then, as real listings do; series are for some products only.
    if style is not None and "{style}" in leaf.en_pattern and rng.random() < 0.25:
        style = None
    series = rng.choice(leaf.series) if leaf.series and rng.random() < 0.7 else ""
    features = rng.sample(leaf.features, k=min(len(leaf.features), rng.choice((1, 2, 2))))
    sentences = [rng.choice(top.openers), *features]
    if material is not None and leaf.material_line and top.material_lines and rng.random() < 0.6:
        sentences.insert(1, rng.choice(top.material_lines))
    if len(sentences) < 4 and rng.random() < 0.6:
        sentences.append(rng.choice(top.closers))
    return ProductWords(top, leaf, kind, brand, material, style, series, tuple(sentences[:4]))


def product_name(words: ProductWords) -> Term:
    leaf, material, style = words.leaf, words.material, words.style
    series_zh = _SERIES_ZH.get(words.series, words.series)
    en = _fill(
        leaf.en_pattern,
        brand=words.brand,
        style=style.en if style else "",
        material=material.en if material else "",
        kind=words.kind.term.en,
        series=words.series,
    )
    zh = _fill(
        leaf.zh_pattern,
        brand=words.brand,
        style=style.zh if style else "",
        material=material.zh if material else "",
        kind=words.kind.term.zh,
        series=series_zh,
    )
    return Term(en, zh.replace(" （", "（"))


def product_description(words: ProductWords, name: Term) -> Term:
    material = words.material
    material_en = ""
    if material is not None:
        material_en = lower_phrase(material.en) if words.top.lower_materials else material.en
    kind_l = lower_phrase(words.kind.term.en)
    plural = is_plural(words.kind.term.en)
    slots_en = {
        "name": name.en,
        "brand": words.brand,
        "kind_l": kind_l,
        "a_kind_l": kind_l if plural else f"{'an' if kind_l[0] in 'aeiou' else 'a'} {kind_l}",
        "this_kind_l": f"{'these' if plural else 'this'} {kind_l}",
        "is": "are" if plural else "is",
        "it": "they" if plural else "it",
        "material_l": material_en,
        "material": material.en if material else "",
    }
    slots_zh = {
        "name": name.zh,
        "brand": words.brand,
        "kind": words.kind.term.zh,
        "material": material.zh if material else "",
    }
    # A book title may begin with "The": "The The Essential Running Guide" must not happen.
    en = " ".join(s.en.format(**slots_en) for s in words.sentences)
    en = en.replace("The The ", "The ").replace("the The ", "the ")
    zh = "".join(s.zh.format(**slots_zh) for s in words.sentences)
    return Term(en, zh)


def leaves() -> list[tuple[Top, Leaf]]:
    return [(top, leaf) for top in TOPS for leaf in top.leaves]
