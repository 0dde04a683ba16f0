"""Export layouts of shop, payment and bookkeeping platforms, as one table.

A platform is recognised by its header row: every column of its
``signature`` must be present (names compared folded, see
:func:`calc.upload.columns.fold`). Its ``mapping`` then replaces the general
guess for the fields it names, and its rules say how its rows are read:
whether the amount stands once per order or on every line, which line
columns weigh the line items, which other columns also decide the status,
and which column names a customer who checked out without an e-mail.
Adding a platform adds a row here, not code.

A file that matches no row goes through the general detection unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calc.upload.columns import fold


@dataclass(frozen=True)
class Platform:
    """One platform's export layout.

    Attributes
    ----------
    key : str
        Stable code, e.g. ``"shopify_orders"``; the report names it in the
        user's language through ``upload.platform.<key>``.
    shape : str
        ``"orders"``, ``"customers"`` or ``"subscriptions"``.
    signature : tuple of str
        Headers that must all be present (as the platform writes them).
    mapping : dict
        Canonical field -> headers the platform uses for it, first present wins.
    amount_level : str
        ``"order"``: the amount is the order's total, on its first row or
        repeated on each line row; ``"line"``: each row carries its line's
        amount and an order is their sum.
    line_value : tuple of str
        ``(price, quantity)`` headers that weigh an order's lines when its
        total is shared out over them for the product and category breakdowns.
    flags : tuple of (str, str, str)
        ``(header, test, status class)``: a row whose cell passes the test
        (``"filled"``, or a folded value such as ``"false"``) has that class
        whatever its status column says (Shopify ``Cancelled at``, Stripe
        ``Captured``).
    customer_fallback : str or None
        Header naming the customer where the customer column is empty
        (Shopify guest checkouts have no e-mail; their billing name is used).
    adjusted_total : str or None
        Header of the order total after refunds, filled only for a refunded
        order (Etsy's ``Adjusted Order Total``): the refund is the difference.
    date_order : str or None
        ``"MDY"`` where the platform writes month-first dates whatever the
        data shows (Etsy's ``03/02/24``).
    source : str
        Where the layout was looked up.
    """

    key: str
    shape: str
    signature: tuple[str, ...]
    mapping: dict[str, tuple[str, ...]]
    amount_level: str = "line"
    line_value: tuple[str, str] | None = None
    flags: tuple[tuple[str, str, str], ...] = ()
    customer_fallback: str | None = None
    adjusted_total: str | None = None
    date_order: str | None = None
    source: str = field(default="", repr=False)


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        key="shopify_orders",
        shape="orders",
        signature=("Name", "Financial Status", "Lineitem quantity", "Lineitem name", "Total"),
        mapping={
            "order_id": ("Name",),
            "customer_id": ("Email",),
            "customer_name": ("Billing Name",),
            "date": ("Created at",),
            "amount": ("Total",),
            "status": ("Financial Status",),
            "refund_amount": ("Refunded Amount",),
            "product": ("Lineitem name",),
            "quantity": ("Lineitem quantity",),
            "category": ("Vendor",),
            "channel": ("Source",),
            "country": ("Billing Country",),
            "currency": ("Currency",),
        },
        amount_level="order",
        line_value=("Lineitem price", "Lineitem quantity"),
        flags=(("Cancelled at", "filled", "cancelled"), ("Canceled at", "filled", "cancelled")),
        customer_fallback="Billing Name",
        source="Shopify Help Center, 'Exporting orders' (orders_export.csv column list)",
    ),
    Platform(
        key="shopify_customers",
        shape="customers",
        signature=(
            "Customer ID",
            "First Name",
            "Last Name",
            "Email",
            "Total Spent",
            "Total Orders",
        ),
        mapping={
            "customer_id": ("Customer ID",),
            "customer_name": ("First Name",),
            "revenue": ("Total Spent",),
            "orders": ("Total Orders",),
            "country": ("Default Address Country Code", "Country Code", "Country"),
        },
        source="Shopify Help Center, 'Exporting customers' (customers_export.csv column list)",
    ),
    Platform(
        key="stripe_payments",
        shape="orders",
        signature=("id", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Status"),
        mapping={
            "order_id": ("id",),
            "customer_id": ("Customer ID", "Customer Email"),
            "customer_name": ("Customer Description",),
            "date": ("Created (UTC)",),
            "amount": ("Amount",),
            "refund_amount": ("Amount Refunded",),
            "status": ("Status",),
            "currency": ("Currency",),
            "country": ("Card Issue Country",),
        },
        amount_level="order",
        flags=(("Captured", "false", "pending"),),
        customer_fallback="Customer Email",
        source="Stripe Dashboard payments export (unified_payments.csv)",
    ),
    Platform(
        key="stripe_subscriptions",
        shape="subscriptions",
        signature=("id", "Customer ID", "Status", "Interval", "Amount", "Start Date (UTC)"),
        mapping={
            "customer_id": ("Customer ID", "Customer Email"),
            "customer_name": ("Customer Name", "Customer Description"),
            "start": ("Start Date (UTC)", "Created (UTC)"),
            "end": ("Ended At (UTC)", "Canceled At (UTC)"),
            "mrr": ("Amount",),
            "plan": ("Product", "Plan"),
            "status": ("Status",),
            "interval": ("Interval",),
            "interval_count": ("Interval Count",),
            "quantity": ("Quantity",),
            "currency": ("Currency",),
        },
        source="Stripe Dashboard subscriptions export (subscriptions.csv)",
    ),
    Platform(
        key="woocommerce_orders",
        shape="orders",
        signature=("Order Number", "Order Status", "Order Date", "Order Total Amount"),
        mapping={
            "order_id": ("Order Number", "Order ID"),
            "customer_id": ("Email (Billing)", "Customer User Email", "Customer User ID"),
            "customer_name": ("Full Name (Billing)", "First Name (Billing)"),
            "date": ("Order Date",),
            "amount": ("Order Total Amount",),
            "refund_amount": ("Order Refund Amount",),
            "status": ("Order Status",),
            "product": ("Item Name", "Product Name"),
            "quantity": ("Quantity (- Refund)", "Quantity"),
            "category": ("Category", "Product Categories"),
            "country": ("Country Code (Billing)", "Country Name (Billing)"),
            "currency": ("Order Currency", "Currency"),
        },
        amount_level="order",
        line_value=("Item Cost", "Quantity"),
        source="Advanced Order Export for WooCommerce (AlgolPlus), default CSV fields",
    ),
    Platform(
        key="woocommerce_analytics",
        shape="orders",
        signature=("Date", "Order #", "Status", "Customer", "Net Sales"),
        mapping={
            "order_id": ("Order #",),
            "customer_id": ("Customer",),
            "date": ("Date",),
            "amount": ("Net Sales",),
            "status": ("Status",),
            "product": ("Product(s)",),
            "channel": ("Attribution",),
        },
        amount_level="order",
        source="WooCommerce Analytics > Orders, 'Download' CSV",
    ),
    Platform(
        key="square_transactions",
        shape="orders",
        signature=("Date", "Time", "Gross Sales", "Net Sales", "Total Collected", "Transaction ID"),
        mapping={
            "order_id": ("Transaction ID",),
            "customer_id": ("Customer ID", "Customer Reference ID", "Customer Name"),
            "customer_name": ("Customer Name",),
            "date": ("Date",),
            "amount": ("Total Collected",),
            "status": ("Event Type",),
            "channel": ("Source",),
            "category": ("Location",),
        },
        amount_level="line",
        source="Square Dashboard, Transactions > Export (transactions CSV)",
    ),
    Platform(
        key="etsy_orders",
        shape="orders",
        signature=("Sale Date", "Order ID", "Buyer User ID", "Order Total", "Order Value"),
        mapping={
            "order_id": ("Order ID",),
            "customer_id": ("Buyer User ID", "Buyer"),
            "customer_name": ("Full Name",),
            "date": ("Sale Date",),
            "amount": ("Order Total",),
            "status": ("Status",),
            "country": ("Ship Country",),
            "currency": ("Currency",),
        },
        amount_level="order",
        adjusted_total="Adjusted Order Total",
        date_order="MDY",
        source="Etsy Shop Manager, Settings > Options > Download Data (EtsySoldOrders CSV)",
    ),
)

PLATFORMS = (
    *PLATFORMS,
    Platform(
        key="vipps_mobilepay",
        shape="orders",
        signature=("Sales unit", "Payment solution", "Booking date", "Type", "Amount"),
        mapping={
            "order_id": ("Order ID/Reference",),
            "customer_id": ("Customer name",),
            "date": ("Time", "Booking date"),
            "amount": ("Amount",),
            "status": ("Type",),
            "currency": ("Currency",),
            "country": ("Country",),
            "channel": ("Payment solution",),
        },
        amount_level="line",
        source="Vipps MobilePay business portal, settlement report (transactions); entry "
        "types from the Report API guide",
    ),
)

_FOLDED = {p.key: frozenset(fold(h) for h in p.signature) for p in PLATFORMS}
BY_KEY = {p.key: p for p in PLATFORMS}


def detect(names: tuple[str, ...]) -> Platform | None:
    """The platform whose whole signature is among ``names``; the longest signature wins.

    Examples
    --------
    >>> detect(("Name", "Email", "Financial Status", "Total", "Lineitem quantity",
    ...         "Lineitem name")).key
    'shopify_orders'
    >>> detect(("date", "customer", "amount")) is None
    True
    """
    have = {fold(n) for n in names}
    found = [p for p in PLATFORMS if _FOLDED[p.key] <= have]
    return max(found, key=lambda p: len(p.signature), default=None)


def platform_mapping(platform: Platform, names: tuple[str, ...]) -> dict[str, str]:
    """Canonical field -> the file's column, for the fields the platform names and the file has.

    >>> p = BY_KEY["stripe_payments"]
    >>> platform_mapping(p, ("id", "Created (UTC)", "Amount", "Customer Email"))["customer_id"]
    'Customer Email'
    """
    by_fold = {fold(n): n for n in reversed(names)}
    out = {}
    for canonical, headers in platform.mapping.items():
        for header in headers:
            if fold(header) in by_fold:
                out[canonical] = by_fold[fold(header)]
                break
    return out


def column(platform: Platform, header: str, names: tuple[str, ...]) -> str | None:
    """The file's name for one of the platform's headers, or None when the file lacks it."""
    by_fold = {fold(n): n for n in reversed(names)}
    return by_fold.get(fold(header))
