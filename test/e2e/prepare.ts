/** Prepares the end-to-end tier's base image and go-ethereum checkout (`npm run e2e:prepare`). */
import { prepareBaseImage, prepareSource } from "./fixtures";

prepareSource();
prepareBaseImage();
