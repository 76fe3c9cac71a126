# ruff: noqa: E501  (edit texts are data; wrapping them would obscure the code they change)
"""AAE submissions made by editing the reference solution (see ``variants.py``).

``WRONG`` holds versions with one realistic bug each, which must fail the checks written to
catch it; ``CORRECT`` holds other correct ways to write the same maths, which must pass every
check.
"""

from __future__ import annotations

from tests.grader.variants import Edits, wrong_header


def _header(text: str) -> tuple[str, str]:
    return wrong_header("AAE", text)


_REGULARIZATION = """        # 2. regularization, discriminator: prior draws are real, codes (detached) are fake
        z_fake = self.encoder(x).detach()
        z_real = torch.randn_like(z_fake) * self.prior_std
        disc = discriminator_loss(self.discriminator(z_real), self.discriminator(z_fake))
        opt_disc.zero_grad(set_to_none=True)
        disc.backward()
        opt_disc.step()
        # 3. regularization, generator: the encoder learns to make codes the discriminator
        # takes for prior draws
        gen = generator_loss(self.discriminator(self.encoder(x)))
        opt_gen.zero_grad(set_to_none=True)
        gen.backward()
        opt_gen.step()
        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}
"""

_LOSSES = '''def reconstruction_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error over all elements (a scalar)."""
    return F.mse_loss(x_hat, x)


def discriminator_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """BCE-with-logits of prior draws against 1 plus of encoded codes against 0 (each a mean)."""
    real = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
    fake = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    return real + fake


def generator_loss(d_fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: BCE-with-logits of encoded codes against 1 (a mean)."""
    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
'''

_SAMPLE_DRAW = "        z = torch.randn(n, self.latent_dim, generator=generator, device=where, dtype=weight.dtype)\n"

_TRAIN_STEP = (  # the reference's train_step body, from solutions/aae.py
    '        # 1. reconstruction: encoder and decoder\n        recon = reconstruction_loss(self.decoder(self.encoder(x)), x)\n        opt_ae.zero_grad(set_to_none=True)\n        recon.backward()\n        opt_ae.step()\n        # 2. regularization, discriminator: prior draws are real, codes (detached) are fake\n        z_fake = self.encoder(x).detach()\n        z_real = torch.randn_like(z_fake) * self.prior_std\n        disc = discriminator_loss(self.discriminator(z_real), self.discriminator(z_fake))\n        opt_disc.zero_grad(set_to_none=True)\n        disc.backward()\n        opt_disc.step()\n        # 3. regularization, generator: the encoder learns to make codes the discriminator\n        # takes for prior draws\n        gen = generator_loss(self.discriminator(self.encoder(x)))\n        opt_gen.zero_grad(set_to_none=True)\n        gen.backward()\n        opt_gen.step()\n        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}\n'
)

WRONG: dict[str, Edits] = {
    "sample_default_dtype": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): sample() draws float32 codes on the generator's device, whatever the model's dtype and device."
        ),
        (
            "        z = torch.randn(n, self.latent_dim, generator=generator, device=where, dtype=weight.dtype)\n        return self.decode(z.to(weight.device) * self.prior_std)\n",
            "        z = torch.randn(n, self.latent_dim, generator=generator, device=where)  # BUG: float32, not moved\n        return self.decode(z * self.prior_std)\n",
        ),
    ],
    "no_regularization": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): train_step has no regularization phase, so nothing pulls the codes towards the prior."
        ),
        (
            _REGULARIZATION,
            '        return {"recon": recon.item(), "disc": 0.0, "gen": 0.0}  # BUG: no regularization\n',
        ),
    ],
    "no_detach": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the discriminator step does not detach the codes, so its loss backpropagates into the encoder."
        ),
        (
            "        z_fake = self.encoder(x).detach()\n",
            "        z_fake = self.encoder(x)  # BUG: not detached\n",
        ),
    ],
    "stale_disc_codes": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the discriminator is shown the codes from before opt_ae.step()."
        ),
        (
            "        recon = reconstruction_loss(self.decoder(self.encoder(x)), x)\n",
            "        z = self.encoder(x)\n        recon = reconstruction_loss(self.decoder(z), x)\n",
        ),
        (
            "        z_fake = self.encoder(x).detach()\n",
            "        z_fake = z.detach()  # BUG: codes from before the reconstruction step\n",
        ),
    ],
    "encoder_tanh_codes": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the encoder squashes its codes with tanh, so they cannot match a Gaussian prior."
        ),
        (
            "            nn.Linear(hidden_dim, latent_dim),\n        )\n",
            "            nn.Linear(hidden_dim, latent_dim),\n            nn.Tanh(),  # BUG: codes bounded in (-1, 1)\n        )\n",
        ),
    ],
    "discriminator_sigmoid": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the discriminator ends with a sigmoid, and the losses apply another."
        ),
        (
            "            nn.Linear(hidden_dim, 1),\n        )\n",
            "            nn.Linear(hidden_dim, 1),\n            nn.Sigmoid(),  # BUG: probabilities, not logits\n        )\n",
        ),
    ],
    "generator_wrong_target": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the generator loss targets 0 (fake), so the encoder helps the discriminator instead of fooling it."
        ),
        (
            "    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))\n",
            "    return F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))  # BUG\n",
        ),
    ],
    "decoder_no_sigmoid": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the decoder has no sigmoid, so its pixels are not confined to [0, 1]."
        ),
        (
            "            nn.Linear(hidden_dim, out_features),\n            nn.Sigmoid(),\n",
            "            nn.Linear(hidden_dim, out_features),  # BUG: no sigmoid\n",
        ),
    ],
    "naive_bce": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the BCE losses take log(sigmoid(x)), which is log(0) for confident logits."
        ),
        (
            _LOSSES,
            _LOSSES.replace(
                "    real = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))\n    fake = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))\n",
                "    real = -torch.log(torch.sigmoid(d_real)).mean()  # BUG: unstable\n    fake = -torch.log(1 - torch.sigmoid(d_fake)).mean()\n",
            ).replace(
                "    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))\n",
                "    return -torch.log(torch.sigmoid(d_fake)).mean()  # BUG: unstable\n",
            ),
        ),
    ],
    "mse_sum": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the reconstruction loss sums the squared errors instead of averaging them."
        ),
        (
            "    return F.mse_loss(x_hat, x)\n",
            '    return F.mse_loss(x_hat, x, reduction="sum")  # BUG: a sum\n',
        ),
    ],
    "generator_no_zero_grad": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the generator step never zeroes the encoder's gradients, so the reconstruction gradient is applied again."
        ),
        ("        opt_gen.zero_grad(set_to_none=True)\n", ""),
    ],
    "discriminator_no_zero_grad": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the discriminator step never zeroes the discriminator's gradients, so the generator step's gradient on it is applied too."
        ),
        ("        opt_disc.zero_grad(set_to_none=True)\n", ""),
    ],
    "prior_ignores_std": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): the discriminator's prior draws ignore prior_std."
        ),
        (
            "        z_real = torch.randn_like(z_fake) * self.prior_std\n",
            "        z_real = torch.randn_like(z_fake)  # BUG: N(0, 1) whatever prior_std is\n",
        ),
    ],
    "sample_ignores_generator": [
        _header(
            "WRONG ON PURPOSE (grader test fixture): sample() draws from torch's global RNG and ignores the generator it is given."
        ),
        (
            _SAMPLE_DRAW,
            "        z = torch.randn(n, self.latent_dim, device=weight.device, dtype=weight.dtype)  # BUG\n",
        ),
    ],
}

CORRECT: dict[str, Edits] = {
    # Written from the README alone: encode/decode methods, codes for the discriminator under
    # no_grad, prior draws by torch.randn(shape) scaled, zero_grad() with its default.
    "readme_train_step": [
        (
            _TRAIN_STEP,
            '        x_hat = self.decode(self.encode(x))\n        recon = reconstruction_loss(x_hat, x)\n        opt_ae.zero_grad()\n        recon.backward()\n        opt_ae.step()\n        with torch.no_grad():\n            z_fake = self.encode(x)\n        z_real = self.prior_std * torch.randn(z_fake.shape, device=z_fake.device)\n        disc = discriminator_loss(self.discriminator(z_real), self.discriminator(z_fake))\n        opt_disc.zero_grad()\n        disc.backward()\n        opt_disc.step()\n        gen = generator_loss(self.discriminator(self.encode(x)))\n        opt_gen.zero_grad()\n        gen.backward()\n        opt_gen.step()\n        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}\n',
        )
    ],
    # One code tensor after the reconstruction step, detached for the discriminator and used
    # again for the generator; the discriminator frozen with requires_grad_ while the
    # generator's loss flows through it.
    "shared_codes_frozen_discriminator": [
        (
            _REGULARIZATION,
            """        z = self.encoder(x)
        z_real = self.prior_std * torch.randn_like(z)
        disc = discriminator_loss(self.discriminator(z_real), self.discriminator(z.detach()))
        opt_disc.zero_grad()
        disc.backward()
        opt_disc.step()
        self.discriminator.requires_grad_(False)
        gen = generator_loss(self.discriminator(z))
        opt_gen.zero_grad()
        gen.backward()
        opt_gen.step()
        self.discriminator.requires_grad_(True)
        return {"recon": float(recon), "disc": float(disc), "gen": float(gen)}
""",
        ),
    ],
    # Losses from softplus (the same stable maths), codes under no_grad, one discriminator
    # call on the concatenated batch, and gradients zeroed to 0 instead of None.
    "softplus_losses_one_discriminator_call": [
        (
            _LOSSES,
            """def reconstruction_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return ((x_hat - x) ** 2).mean()


def discriminator_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    # -log sigmoid(r) = softplus(-r); -log(1 - sigmoid(f)) = softplus(f)
    return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()


def generator_loss(d_fake: torch.Tensor) -> torch.Tensor:
    return -F.logsigmoid(d_fake).mean()
""",
        ),
        (
            _REGULARIZATION,
            """        with torch.no_grad():
            z_fake = self.encoder(x)
        z_real = torch.randn(x.shape[0], self.latent_dim, device=x.device, dtype=x.dtype)
        logits = self.discriminator(torch.cat([z_real * self.prior_std, z_fake]))
        disc = discriminator_loss(logits[: x.shape[0]], logits[x.shape[0] :])
        opt_disc.zero_grad(set_to_none=False)
        disc.backward()
        opt_disc.step()
        gen = generator_loss(self.discriminator(self.encoder(x)))
        opt_gen.zero_grad(set_to_none=False)
        gen.backward()
        opt_gen.step()
        return {"recon": recon.item(), "disc": disc.item(), "gen": gen.item()}
""",
        ),
        (
            "        opt_ae.zero_grad(set_to_none=True)\n",
            "        opt_ae.zero_grad(set_to_none=False)\n",
        ),
    ],
    # Flatten and Unflatten inside the Sequential, and sample drawing with torch.normal.
    "unflatten_and_normal": [
        (
            "            nn.Sigmoid(),\n        )\n",
            "            nn.Sigmoid(),\n            nn.Unflatten(1, (1, 28, 28)),\n        )\n",
        ),
        (
            "        return self.net(z).reshape(z.shape[0], 1, 28, 28)\n",
            "        return self.net(z)\n",
        ),
        (
            _SAMPLE_DRAW + "        return self.decode(z.to(weight.device) * self.prior_std)\n",
            "        z = torch.normal(0.0, self.prior_std, (n, self.latent_dim), generator=generator, device=where, dtype=weight.dtype)\n"
            "        return self.decode(z.to(weight.device))\n",
        ),
    ],
}
