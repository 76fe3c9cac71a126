"""ViT assignment: a Vision Transformer with multi-head self-attention, from scratch.

Implement the classes below; ``README.md`` next to this file explains each piece with every
shape. Sources: Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers for Image
Recognition at Scale", ICLR 2021 (arXiv:2010.11929), Eq. 1-4; Vaswani et al., "Attention Is
All You Need", NeurIPS 2017 (arXiv:1706.03762), Eq. 1.

Rules:
    * Use only ``torch`` and ``torch.nn`` building blocks (``nn.Linear``, ``nn.Conv2d``,
      ``nn.LayerNorm``, ``nn.GELU``, ``Tensor.softmax``, ...). ``nn.MultiheadAttention``,
      ``nn.Transformer*``, ``F.scaled_dot_product_attention`` and
      ``F.multi_head_attention_forward`` are forbidden (write attention yourself);
      ``torchvision`` and ``timm`` too. The grader refuses them even when reached indirectly.
    * Keep every class, argument and attribute name given here: the grader builds its
      reference from your own submodules (``proj``, ``qkv``, ``norm1``, ``attn``, ...).

Shapes: ``B`` batch, ``C`` channels, ``H, W`` image height and width,
``N = (H // patch_size) * (W // patch_size)`` patches, ``T`` tokens (``N + 1`` in the network,
with the class token); sizes by their argument names, ``embed_dim``, ``num_heads``,
``head_dim = embed_dim // num_heads``, ``patch_size``.

Run ``course grade vit`` to check your work.
"""

import torch
from torch import nn


class PatchEmbedding(nn.Module):
    """Cut the image into square patches and map each to a token of ``embed_dim`` features.

    A ``Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)`` does exactly
    this: each output position sees one patch. Flatten its ``(B, embed_dim, H // patch_size,
    W // patch_size)`` output to ``(B, embed_dim, N)`` and swap the last two dimensions.

    Args:
        img_size: Image size: one int for a square image, or ``(H, W)``.
        patch_size: The side of a square patch, in pixels.
        in_channels: Channels C of the images.
        embed_dim: Features of a token.

    Attributes you must create:
        proj: The ``nn.Conv2d`` above.
        num_patches: N for ``img_size`` (an int).

    Raises:
        ValueError: H or W is not divisible by ``patch_size``, naming both numbers (in
            ``__init__`` for ``img_size``, in ``forward`` for the input's size).

    See README.md, section "Patches".
    """

    def __init__(
        self,
        img_size: int | tuple[int, int],
        patch_size: int,
        in_channels: int,
        embed_dim: int,
    ) -> None:
        super().__init__()
        raise NotImplementedError("PatchEmbedding.__init__: see README.md, section 'Patches'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> ``(B, N, embed_dim)``, patches in row-major order (left to right,
        then top to bottom)."""
        raise NotImplementedError("PatchEmbedding.forward: see README.md, section 'Patches'")


class MultiHeadSelfAttention(nn.Module):
    """softmax(Q K^T / sqrt(head_dim)) V in ``num_heads`` heads, then ``proj``.

    Each head has ``head_dim = embed_dim // num_heads`` features.

    Args:
        embed_dim: Features of a token.
        num_heads: Number of heads.
        qkv_bias: Whether ``qkv`` has a bias.

    Attributes you must create:
        qkv: ``nn.Linear(embed_dim, 3 * embed_dim, bias=qkv_bias)``. Its output splits into Q,
            K, V in that order along the last dimension (``[..., 0:embed_dim]`` is Q), and each
            of those into num_heads heads of head_dim consecutive features (head 0 is features
            ``0:head_dim``).
        proj: ``nn.Linear(embed_dim, embed_dim)``, applied to the heads' outputs concatenated
            in head order.

    Raises:
        ValueError: ``embed_dim`` is not divisible by ``num_heads``, naming both numbers.

    See README.md, section "Multi-head self-attention".
    """

    def __init__(self, embed_dim: int, num_heads: int, qkv_bias: bool = True) -> None:
        super().__init__()
        raise NotImplementedError(
            "MultiHeadSelfAttention.__init__: see README.md, section 'Multi-head self-attention'"
        )

    def forward(
        self, x: torch.Tensor, return_attention: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Attend every token to every token.

        Args:
            x: ``(B, T, embed_dim)``.
            return_attention: Also return the attention weights.

        Returns:
            ``(B, T, embed_dim)``; with ``return_attention`` the pair ``(output, weights)``,
            weights ``(B, num_heads, T, T)`` after the softmax (each row sums to 1).
        """
        raise NotImplementedError(
            "MultiHeadSelfAttention.forward: see README.md, section 'Multi-head self-attention'"
        )


class MLP(nn.Module):
    """``fc1`` (embed_dim -> hidden_dim), GELU, ``fc2`` (hidden_dim -> embed_dim), per token.

    Attributes you must create: fc1, fc2 (``nn.Linear``), act (``nn.GELU``).
    """

    def __init__(self, embed_dim: int, hidden_dim: int) -> None:
        super().__init__()
        raise NotImplementedError("MLP.__init__: see README.md, section 'The encoder block'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, T, embed_dim)`` -> ``(B, T, embed_dim)``."""
        raise NotImplementedError("MLP.forward: see README.md, section 'The encoder block'")


class EncoderBlock(nn.Module):
    """Pre-norm Transformer encoder block (ViT paper, Eq. 2-3).

    ``x = x + attn(norm1(x))`` then ``x = x + mlp(norm2(x))``: the LayerNorm comes BEFORE
    each sub-layer, inside the residual branch.

    Args:
        embed_dim: Features of a token.
        num_heads: Number of attention heads.
        mlp_ratio: The MLP's hidden_dim is ``int(embed_dim * mlp_ratio)``.
        qkv_bias: Passed to the attention.

    Attributes you must create:
        norm1, norm2: ``nn.LayerNorm(embed_dim, eps=1e-6)``.
        attn: A :class:`MultiHeadSelfAttention`.
        mlp: An :class:`MLP`.

    See README.md, section "The encoder block".
    """

    def __init__(
        self, embed_dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True
    ) -> None:
        super().__init__()
        raise NotImplementedError(
            "EncoderBlock.__init__: see README.md, section 'The encoder block'"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, T, embed_dim)`` -> ``(B, T, embed_dim)``."""
        raise NotImplementedError("EncoderBlock.forward: see README.md, section 'The encoder block'")


class VisionTransformer(nn.Module):
    """The Vision Transformer (ViT paper, Eq. 1-4).

    tokens = [cls_token; patch_embed(x)] + pos_embed  ->  blocks  ->  norm  ->  head on the
    class token (position 0).

    Args:
        img_size: One int or ``(H, W)``.
        patch_size: The side of a square patch, in pixels.
        in_channels: Channels C of the images.
        num_classes: Outputs of ``head``.
        embed_dim: Features of a token.
        depth: Number of encoder blocks.
        num_heads: Attention heads per block.
        mlp_ratio: MLP hidden_dim over embed_dim.
        qkv_bias: Passed to every block.

    Attributes you must create:
        patch_embed: A :class:`PatchEmbedding`.
        cls_token: ``nn.Parameter`` of shape ``(1, 1, embed_dim)``.
        pos_embed: ``nn.Parameter`` of shape ``(1, N + 1, embed_dim)`` (learned; initialise
            both with ``nn.init.trunc_normal_(..., std=0.02)``).
        blocks: ``nn.Sequential`` (or ``nn.ModuleList``) of ``depth`` :class:`EncoderBlock`.
        norm: ``nn.LayerNorm(embed_dim, eps=1e-6)``.
        head: ``nn.Linear(embed_dim, num_classes)``.

    See README.md, section "The whole network".
    """

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
        raise NotImplementedError(
            "VisionTransformer.__init__: see README.md, section 'The whole network'"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> logits ``(B, num_classes)``."""
        raise NotImplementedError(
            "VisionTransformer.forward: see README.md, section 'The whole network'"
        )
