/** Unsupervised feature learning (Coates, Lee & Ng 2011): ZCA whitening and k-means. */
export { symmetricEigen, zcaFit, zcaApply, type ZcaWhitening } from "./zca.js";
export { kmeans, nearestCentroid, squaredDistances, triangleEncode, type KMeansResult } from "./kmeans.js";
