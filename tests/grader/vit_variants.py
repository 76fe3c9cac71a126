# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""ViT submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same maths, which must pass every
check.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("ViT", text)


_SCORES = "        attention = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)  # (B, num_heads, T, T)\n"

WRONG: dict[str, Edits] = {
    "pos_embed_randn": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): pos_embed is drawn from N(0, 1), as many tutorials do, not with std 0.02."
        ),
        (
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n",
            "        nn.init.normal_(self.pos_embed)  # BUG: std 1, not 0.02\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n",
        ),
    ],
    "cls_token_zeros": [
        _header("WRONG ON PURPOSE (grader test fixture): the class token stays at zeros."),
        (
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n",
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)  # BUG: cls_token left at zeros\n",
        ),
    ],
    "timm_linear_init": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): timm's initialisation of every Linear (truncated normal 0.02, zero bias), which the README asks not to add."
        ),
        (
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n",
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n"
            "        for m in self.modules():  # BUG: custom init of nn.Linear\n"
            "            if isinstance(m, nn.Linear):\n"
            "                nn.init.trunc_normal_(m.weight, std=0.02)\n"
            "                nn.init.zeros_(m.bias)\n",
        ),
    ],
    "no_scale": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): attention scores are not scaled by 1/sqrt(d)."
        ),
        (
            _SCORES,
            "        attention = (q @ k.transpose(-2, -1)).softmax(dim=-1)  # BUG: no 1/sqrt(d)\n",
        ),
    ],
    "softmax_wrong_axis": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the softmax runs over the queries (dim -2), not the keys."
        ),
        (
            _SCORES,
            "        attention = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-2)  # BUG\n",
        ),
    ],
    "heads_wrong_axis": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): heads are split along the wrong axis (strided features instead of consecutive ones)."
        ),
        (
            "        qkv = self.qkv(x).reshape(batch, tokens, 3, self.num_heads, self.head_dim)\n        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, num_heads, T, head_dim)\n",
            "        qkv = self.qkv(x).reshape(batch, tokens, 3, self.head_dim, self.num_heads)  # BUG\n        q, k, v = qkv.permute(2, 0, 4, 1, 3)  # each (B, num_heads, T, head_dim)\n",
        ),
    ],
    "post_norm": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): post-norm blocks (the original Transformer's), not ViT's pre-norm."
        ),
        (
            "        x = x + self.attn(self.norm1(x))\n        result: torch.Tensor = x + self.mlp(self.norm2(x))\n",
            "        x = self.norm1(x + self.attn(x))  # BUG: post-norm\n        result: torch.Tensor = self.norm2(x + self.mlp(x))\n",
        ),
    ],
    "cls_appended": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the class token is appended after the patches, but the head still reads token 0 (a patch)."
        ),
        (
            "        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed  # (B, T, embed_dim)\n",
            "        tokens = torch.cat([tokens, cls], dim=1) + self.pos_embed  # BUG: cls last\n",
        ),
    ],
    "no_pos_embed": [
        _header("WRONG ON PURPOSE (grader test fixture): pos_embed is created but never added."),
        (
            "        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed  # (B, T, embed_dim)\n",
            "        tokens = torch.cat([cls, tokens], dim=1)  # BUG: no positional embedding\n",
        ),
    ],
    "no_qkv_bias": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): qkv never has a bias, whatever qkv_bias says."
        ),
        (
            "        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=qkv_bias)\n",
            "        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=False)  # BUG: ignores qkv_bias\n",
        ),
    ],
    "patches_column_major": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): patch tokens come out column by column instead of row by row."
        ),
        (
            "        return self.proj(x).flatten(2).transpose(1, 2)\n",
            "        return self.proj(x).transpose(2, 3).flatten(2).transpose(1, 2)  # BUG\n",
        ),
    ],
    "no_size_check": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): no ValueError for sizes that do not divide (the conv silently drops pixels)."
        ),
        (
            "        for side in (height, width):\n            if side % patch_size:\n",
            "        for side in ():  # BUG: no check\n            if side % patch_size:\n",
        ),
        (
            "        for side in x.shape[-2:]:\n            if side % self.patch_size:\n",
            "        for side in ():  # BUG: no check\n            if side % self.patch_size:\n",
        ),
        (
            "        if embed_dim % num_heads:\n",
            "        if False:  # BUG: no check\n",
        ),
    ],
    "no_residual": [
        _header("WRONG ON PURPOSE (grader test fixture): the blocks have no residual connections."),
        (
            "        x = x + self.attn(self.norm1(x))\n        result: torch.Tensor = x + self.mlp(self.norm2(x))\n",
            "        x = self.attn(self.norm1(x))  # BUG: no residual\n        result: torch.Tensor = self.mlp(self.norm2(x))\n",
        ),
    ],
    "mlp_relu": [
        _header("WRONG ON PURPOSE (grader test fixture): the MLP uses ReLU, not GELU."),
        (
            "        self.act = nn.GELU()\n",
            "        self.act = nn.ReLU()  # BUG: the README asks for GELU\n",
        ),
    ],
    "mlp_tanh_gelu": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the MLP uses the tanh approximation of GELU."
        ),
        (
            "        self.act = nn.GELU()\n",
            '        self.act = nn.GELU(approximate="tanh")  # BUG: the README asks for the exact GELU\n',
        ),
    ],
    "final_norm_default_eps": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the final LayerNorm keeps torch's eps 1e-5."
        ),
        (
            "        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)\n",
            "        self.norm = nn.LayerNorm(embed_dim)  # BUG: ViT's eps is 1e-6\n",
        ),
    ],
    "head_softmax": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the network returns probabilities, not logits."
        ),
        (
            "        tokens = self.norm(self.blocks(tokens))\n",
            "        tokens = self.norm(self.blocks(tokens))\n        return self.head(tokens[:, 0]).softmax(dim=-1)  # BUG: logits expected\n",
        ),
    ],
    "block_norm_default_eps": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the block's LayerNorms keep torch's eps 1e-5."
        ),
        (
            "        self.norm1 = nn.LayerNorm(embed_dim, eps=1e-6)\n",
            "        self.norm1 = nn.LayerNorm(embed_dim)  # BUG: ViT's eps is 1e-6\n",
        ),
        (
            "        self.norm2 = nn.LayerNorm(embed_dim, eps=1e-6)\n",
            "        self.norm2 = nn.LayerNorm(embed_dim)\n",
        ),
    ],
    "scale_embed_dim": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): attention is scaled by 1/sqrt(embed_dim), not 1/sqrt(head_dim)."
        ),
        (
            "        self.scale = self.head_dim**-0.5\n",
            "        self.scale = embed_dim**-0.5  # BUG: the size of one head\n",
        ),
    ],
    "mlp_ratio_ignored": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the MLP is always 4 times wider, whatever mlp_ratio."
        ),
        (
            "        self.mlp = MLP(embed_dim, int(embed_dim * mlp_ratio))\n",
            "        self.mlp = MLP(embed_dim, 4 * embed_dim)  # BUG: mlp_ratio ignored\n",
        ),
    ],
    "hidden_sdpa": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): attention calls F.scaled_dot_product_attention through a name built at run time."
        ),
        (
            _SCORES,
            _SCORES
            + "        if not return_attention:  # BUG: the shortcut this assignment forbids\n"
            + '            fused = getattr(nn.functional, "scaled_dot_" + "product_attention")\n'
            + "            out = fused(q, k, v).transpose(1, 2).reshape(batch, tokens, dim)\n"
            + "            return self.proj(out)\n",
        ),
    ],
}

CORRECT: dict[str, Edits] = {
    # Written from the README alone: the class token and positions drawn as 0.02 * randn when
    # they are created (the truncation at +-2 never acts at std 0.02).
    "randn_scaled_tokens": [
        (
            "        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))\n        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))\n",
            "        self.cls_token = nn.Parameter(0.02 * torch.randn(1, 1, embed_dim))\n        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, num_patches + 1, embed_dim))\n",
        ),
        (
            "        nn.init.trunc_normal_(self.pos_embed, std=0.02)\n        nn.init.trunc_normal_(self.cls_token, std=0.02)\n",
            "",
        ),
    ],
    "unfold_matmul_patches": [
        # the paper's Eq. 1: flatten each patch, multiply by the projection (proj's weights)
        (
            "        return self.proj(x).flatten(2).transpose(1, 2)\n",
            "        patches = nn.functional.unfold(x, self.patch_size, stride=self.patch_size)  # (B, C*P*P, N)\n"
            "        weight = self.proj.weight.flatten(1)  # (embed_dim, C*P*P)\n"
            "        return patches.transpose(1, 2) @ weight.T + self.proj.bias  # (B, N, embed_dim)\n",
        ),
    ],
    "einsum_attention": [
        # separate head split per tensor, einsum, division by sqrt(d)
        (
            "        qkv = self.qkv(x).reshape(batch, tokens, 3, self.num_heads, self.head_dim)\n        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, num_heads, T, head_dim)\n"
            + _SCORES,
            "        q, k, v = (\n"
            "            t.reshape(batch, tokens, self.num_heads, self.head_dim).transpose(1, 2)\n"
            "            for t in self.qkv(x).chunk(3, dim=-1)\n"
            "        )\n"
            '        scores = torch.einsum("bhnd,bhmd->bhnm", q, k) / self.head_dim**0.5\n'
            "        attention = torch.softmax(scores, dim=-1)\n",
        ),
    ],
    "positions_split": [
        # the class token's position added before concatenating; blocks in a ModuleList
        (
            "        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed  # (B, T, embed_dim)\n        tokens = self.norm(self.blocks(tokens))\n",
            "        tokens = tokens + self.pos_embed[:, 1:]\n"
            "        tokens = torch.cat([cls + self.pos_embed[:, :1], tokens], dim=1)\n"
            "        for block in self.blocks:\n"
            "            tokens = block(tokens)\n"
            "        tokens = self.norm(tokens)\n",
        ),
        (
            "        self.blocks = nn.Sequential(\n",
            "        self.blocks = nn.ModuleList(\n",
        ),
        (
            "            *[EncoderBlock(embed_dim, num_heads, mlp_ratio, qkv_bias) for _ in range(depth)]\n",
            "            [EncoderBlock(embed_dim, num_heads, mlp_ratio, qkv_bias) for _ in range(depth)]\n",
        ),
    ],
}
