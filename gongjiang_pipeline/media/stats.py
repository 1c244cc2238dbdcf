"""What the media step of a build did, for the CLI, the log and tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MediaStats:
    photos: int = 0  # candidate photos checked (every candidate with a photo, public or not)
    photos_processed: int = 0  # decoded and encoded in this build (not found in the cache)
    cards: int = 0  # share cards used by the site
    cards_rendered: int = 0  # drawn in this build (not found in the cache)
    qr_codes: int = 0  # QR codes written into the site
    qr_encoded: int = 0  # encoded in this build (not found in the cache, or damaged there)
    qr_reused: int = 0  # found in the cache
    glyphs_checked: int = 0  # characters rendered to check the CJK font (0 when the cache knows them all)
    repaired: int = 0  # damaged cache entries found while publishing and made again
    posters: int = 0
    decoded: int = 0  # images decoded in this build: photos processed + portraits drawn on cards
    workers: int = 0  # processes used (0: everything came from the cache)
    seconds: float = 0.0
    kind_seconds: dict = field(default_factory=dict)  # photos / cards / badges / qr -> seconds of this build
    pools: int = 0  # times the shared worker processes were started (0: nothing had to be made)
    font: str | None = None  # the CJK font of the cards, "path:index"
    warnings: list[str] = field(default_factory=list)  # Chinese; the CLI prints them

    def summary(self) -> str:
        return (
            f"图片：照片 {self.photos} 张（本次处理 {self.photos_processed} 张，其余来自缓存），"
            f"分享图片 {self.cards} 张（本次生成 {self.cards_rendered} 张），"
            f"二维码 {self.qr_codes} 个（本次生成 {self.qr_encoded} 个，其余来自缓存），"
            f"海报 {self.posters} 张；解码图片 {self.decoded} 次，用时 {self.seconds:.1f} 秒"
            + (f"（{self.workers} 个进程）" if self.workers > 1 else "")
            + self._kinds()
            + (f"；缓存中有 {self.repaired} 项已损坏，已重新生成" if self.repaired else "")
        )

    def _kinds(self) -> str:
        """Seconds per kind, when the step took long enough for them to matter (a cold build)."""
        names = (("photos", "照片"), ("cards", "分享图片"), ("badges", "产品徽标"), ("qr", "二维码"))
        if self.seconds < 1.0 or not self.kind_seconds:
            return ""
        return "：" + "，".join(f"{label} {self.kind_seconds[k]:.1f} 秒" for k, label in names if k in self.kind_seconds)

    def __str__(self) -> str:
        return self.summary()
