/** What data/mnist.json on the course site lists: the MNIST files it carries (paths under data/). */
export interface SiteData {
  mnist: { split: "train" | "test"; count: number; images: string; labels: string }[];
}
