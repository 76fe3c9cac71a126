"""Reference solution of the AAE assignment.

Adversarial Autoencoder: Makhzani et al., "Adversarial Autoencoders", arXiv:1511.05644
(Sec. 2). An autoencoder whose aggregated code distribution q(z) is matched to a prior
p(z) = N(0, prior_std^2 I) by a discriminator on z. Each minibatch is trained in two phases:
reconstruction (encoder and decoder), then regularization: a discriminator step (prior draws
are "real", codes "fake"), then a generator step that moves the encoder to fool it
(Goodfellow et al., 2014, non-saturating loss).

Shapes: ``B`` batch, images ``(B, 1, 28, 28)`` in [0, 1], codes ``(B, latent_dim)``.
"""

import torch
from torch import nn
from torch.nn import functional as F


class Encoder(nn.Module):
    """``(B, 1, 28, 28)`` -> ``(B, latent_dim)``: Flatten, Linear, ReLU, Linear, ReLU, Linear."""

    def __init__(self, in_features: int = 784, hidden_dim: int = 512, latent_dim: int = 8) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),  # (B, 1, 28, 28) -> (B, in_features)
            nn.Linear(in_features, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, latent_dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.net(x)  # (B, latent_dim)
        return result


class Decoder(nn.Module):
    """``(B, latent_dim)`` -> ``(B, 1, 28, 28)`` in [0, 1]: Linear, ReLU, Linear, ReLU, Linear,
    sigmoid."""

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512, out_features: int = 784) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, out_features),
            nn.Sigmoid(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        # net: (B, latent_dim) -> (B, out_features); reshape: (B, 1, 28, 28)
        return self.net(z).reshape(z.shape[0], 1, 28, 28)


class Discriminator(nn.Module):
    """``(B, latent_dim)`` -> logits ``(B, 1)``: is this code a draw from the prior?"""

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, hidden_dim),
            nn.ReLU(),
            nn.Linear(hidden_dim, 1),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.net(z)  # (B, latent_dim) -> (B, 1)
        return result


def reconstruction_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
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


class AAE(nn.Module):
    """Encoder, decoder and a discriminator on codes, with the two-phase training step."""

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512, prior_std: float = 1.0) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.prior_std = prior_std
        self.encoder = Encoder(784, hidden_dim, latent_dim)
        self.decoder = Decoder(latent_dim, hidden_dim, 784)
        self.discriminator = Discriminator(latent_dim, hidden_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 1, 28, 28)`` -> codes ``(B, latent_dim)``."""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Codes ``(B, latent_dim)`` -> images ``(B, 1, 28, 28)`` in [0, 1]."""
        return self.decoder(z)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode ``n`` prior draws: ``(n, 1, 28, 28)`` in [0, 1].

        The draws come from ``generator`` (on its own device) when one is given, so a seeded
        generator gives the same images every time and leaves torch's global RNG alone.
        """
        weight = next(self.decoder.parameters())
        where = generator.device if generator is not None else weight.device
        # (n, latent_dim) draws, decoded to (n, 1, 28, 28)
        z = torch.randn(n, self.latent_dim, generator=generator, device=where, dtype=weight.dtype)
        return self.decode(z.to(weight.device) * self.prior_std)

    def train_step(
        self,
        x: torch.Tensor,
        opt_ae: torch.optim.Optimizer,
        opt_disc: torch.optim.Optimizer,
        opt_gen: torch.optim.Optimizer,
    ) -> dict[str, float]:
        """One minibatch ``x (B, 1, 28, 28)``: reconstruction, discriminator step, generator step.

        Returns:
            The three losses as floats: ``recon``, ``disc`` and ``gen``.
        """
        # 1. reconstruction: encoder and decoder
        recon = reconstruction_loss(self.decoder(self.encoder(x)), x)
        opt_ae.zero_grad(set_to_none=True)
        recon.backward()
        opt_ae.step()
        # 2. regularization, discriminator: prior draws are real, codes (detached) are fake
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
