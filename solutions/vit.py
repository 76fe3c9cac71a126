"""Reference solution of the ViT assignment.

A Vision Transformer with multi-head self-attention written from the equations. Sources:
Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers for Image Recognition at
Scale", ICLR 2021 (arXiv:2010.11929), Eq. 1-4; Vaswani et al., "Attention Is All You Need",
NeurIPS 2017 (arXiv:1706.03762), Eq. 1 (scaled dot-product attention). Module and parameter
names follow timm's ``VisionTransformer`` (``patch_embed.proj``, ``cls_token``, ``pos_embed``,
``blocks``, ``attn.qkv``, ``attn.proj``, ``mlp.fc1``, ``mlp.fc2``, ``norm``, ``head``), so
parameter counts equal the published ones.

Shapes: ``B`` batch, ``C`` channels, ``H, W`` image height and width,
``N = (H // patch_size) * (W // patch_size)`` patches, ``T`` tokens (``N + 1`` with the class
token); sizes by their argument names, ``embed_dim``, ``num_heads``, ``patch_size``, and
``head_dim = embed_dim // num_heads``.
"""

import torch
from torch import nn


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


class PatchEmbedding(nn.Module):
    """Cut the image into square patches and project each to embed_dim numbers (a strided conv)."""

    def __init__(
        self,
        img_size: int | tuple[int, int],
        patch_size: int,
        in_channels: int,
        embed_dim: int,
    ) -> None:
        super().__init__()
        height, width = _pair(img_size)
        for side in (height, width):
            if side % patch_size:
                raise ValueError(
                    f"image size {side} is not divisible by patch size {patch_size}"
                )
        self.img_size = (height, width)
        self.patch_size = patch_size
        self.grid_size = (height // patch_size, width // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> ``(B, N, embed_dim)``, patches in row-major order.

        Raises:
            ValueError: H or W is not divisible by the patch size.
        """
        for side in x.shape[-2:]:
            if side % self.patch_size:
                raise ValueError(
                    f"image size {side} is not divisible by patch size {self.patch_size}"
                )
        # proj: (B, embed_dim, H // patch_size, W // patch_size); flatten: (B, embed_dim, N);
        # transpose: (B, N, embed_dim)
        return self.proj(x).flatten(2).transpose(1, 2)


class MultiHeadSelfAttention(nn.Module):
    """softmax(Q K^T / sqrt(head_dim)) V in ``num_heads`` heads, then an output projection."""

    def __init__(self, embed_dim: int, num_heads: int, qkv_bias: bool = True) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(
                f"embed_dim {embed_dim} is not divisible by num_heads {num_heads}"
            )
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.scale = self.head_dim**-0.5
        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=qkv_bias)
        self.proj = nn.Linear(embed_dim, embed_dim)

    def forward(
        self, x: torch.Tensor, return_attention: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """``(B, T, embed_dim)`` -> ``(B, T, embed_dim)``.

        With ``return_attention`` also the weights ``(B, num_heads, T, T)``.
        """
        batch, tokens, dim = x.shape  # B, T, embed_dim
        # qkv(x): (B, T, 3 * embed_dim), split to (B, T, 3, num_heads, head_dim)
        qkv = self.qkv(x).reshape(batch, tokens, 3, self.num_heads, self.head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, num_heads, T, head_dim)
        attention = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)  # (B, num_heads, T, T)
        # attention @ v: (B, num_heads, T, head_dim); transpose: (B, T, num_heads, head_dim);
        # reshape: the heads concatenated, (B, T, embed_dim)
        out = (attention @ v).transpose(1, 2).reshape(batch, tokens, dim)
        out = self.proj(out)  # (B, T, embed_dim)
        return (out, attention) if return_attention else out


class MLP(nn.Module):
    """``fc1`` (embed_dim -> hidden_dim), GELU, ``fc2`` (hidden_dim -> embed_dim)."""

    def __init__(self, embed_dim: int, hidden_dim: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(embed_dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, embed_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, T, embed_dim)`` -> ``(B, T, embed_dim)``."""
        # fc1: (B, T, hidden_dim); fc2: (B, T, embed_dim)
        result: torch.Tensor = self.fc2(self.act(self.fc1(x)))
        return result


class EncoderBlock(nn.Module):
    """Pre-norm Transformer encoder block: x + attn(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(
        self, embed_dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True
    ) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(embed_dim, eps=1e-6)
        self.attn = MultiHeadSelfAttention(embed_dim, num_heads, qkv_bias)
        self.norm2 = nn.LayerNorm(embed_dim, eps=1e-6)
        self.mlp = MLP(embed_dim, int(embed_dim * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, T, embed_dim)`` -> ``(B, T, embed_dim)``."""
        x = x + self.attn(self.norm1(x))
        result: torch.Tensor = x + self.mlp(self.norm2(x))
        return result


class VisionTransformer(nn.Module):
    """ViT: patch embedding, class token, positional embedding, encoder, norm, head."""

    def __init__(
        self,
        img_size: int | tuple[int, int] = 224,
        patch_size: int = 16,
        in_channels: int = 3,
        num_classes: int = 1000,
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
    ) -> None:
        super().__init__()
        self.patch_embed = PatchEmbedding(img_size, patch_size, in_channels, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        self.blocks = nn.Sequential(
            *[EncoderBlock(embed_dim, num_heads, mlp_ratio, qkv_bias) for _ in range(depth)]
        )
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> logits ``(B, num_classes)``, read from the class token."""
        tokens = self.patch_embed(x)  # (B, N, embed_dim)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)  # (B, 1, embed_dim)
        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed  # (B, T, embed_dim)
        tokens = self.norm(self.blocks(tokens))
        result: torch.Tensor = self.head(tokens[:, 0])  # (B, embed_dim) -> (B, num_classes)
        return result
