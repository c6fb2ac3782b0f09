// The entry esbuild bundles for uppy.html (internal/interoptest bundles it
// when the page is served): @uppy/core and @uppy/aws-s3 as
// interop/package-lock.json pins them, as a page's own bundler would build
// them, handed to the page as globals.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

self.Uppy = Uppy;
self.AwsS3 = AwsS3;
