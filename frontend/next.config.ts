import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  // The standalone server sits under frontend/; the repository root has no Node project.
  outputFileTracingRoot: __dirname,
  images: { unoptimized: true },
};

export default nextConfig;
