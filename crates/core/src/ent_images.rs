//! The ENT's own images in a message body: what the ENT's editor writes when an image is
//! inserted, how the app uploads one, and how the reading pane shows them.
//!
//! The ENT's editor uploads the picked image to the user's workspace,
//! `POST /workspace/document?protected=true&application=media-library&quality=1`
//! (edifice-frontend-framework `packages/client/src/ts/workspace/Service.ts` `saveFile`, called by
//! `packages/react/src/hooks/useUpload/useUpload.ts` with `application = 'media-library'`; the
//! editor's default `visibility` is `protected`, `packages/react/src/modules/editor/components/Editor/Editor.tsx`),
//! then writes `<img src="/workspace/document/{id}?timestamp={ms}" class="custom-image" width="350">`
//! (`useMediaLibraryEditor.ts` and the `custom-image` extension of `@edifice.io/tiptap-extensions`,
//! `packages/extensions/src/image/image.ts`). Nothing is shared with the recipients: entcore
//! lets any signed-in user read a `protected` document (`WorkspaceResourcesProvider.authorizeGetDocument`).
//!
//! Such an address is relative to the ENT: the window could not load it, and must not try (it
//! loads nothing but `data:` images). The app fetches each with the user's session and inlines
//! it as a `data:` URL, like « Afficher les images » does for remote ones, under the same limits
//! (count, bytes, raster types read from the bytes, pixel dimensions). Only an address of the
//! exact shape `/workspace/document/{id}` or `/workspace/pub/document/{id}` (an id of letters,
//! digits and dashes, an optional query that is never sent) is an ENT image: `..`, an encoded
//! character, another host or a protocol-relative `//host/…` is not.

use std::collections::HashMap;
use std::time::Duration;

use crate::client::{ApiError, ApiResult, Body, Call, Client};
use crate::remote_images::{
    base64, img_sources, keep_within_total, raster_type, unescape, MAX_IMAGES, MAX_IMAGE_BYTES,
};

/// The query of the editor's upload (see the module's doc).
pub const UPLOAD_QUERY: &str = "protected=true&application=media-library&quality=1";
/// Heaviest image the app uploads as it is; a heavier one is shrunk first ([`prepare_upload`]).
pub const MAX_UPLOAD_BYTES: u64 = MAX_IMAGE_BYTES as u64;
/// Heaviest file the app takes as an image to insert (a camera's photo is a few megabytes, and
/// is shrunk before it is sent).
pub const MAX_PICKED_BYTES: u64 = 64 * 1024 * 1024;
/// The box the ENT's editor fits a picture into before uploading it, and the JPEG quality it
/// writes: edifice-frontend-framework `packages/utilities/src/image-resizer/image-resizer.ts`,
/// `ImageResizer.resizeImageFile(file, maxWidth = 1440, maxHeight = 1440, quality = 80)`,
/// called on every image by the image extension (`packages/extensions/src/image/image.ts`) and
/// the media library (`packages/react/src/hooks/useUploadFiles/useUploadFiles.ts`).
pub const FIT_SIDE: u32 = 1440;
const JPEG_QUALITY: u8 = 80;
/// Widest or tallest image shown or sent, in pixels: a few bytes of PNG can claim a
/// 100,000 × 100,000 picture, which the window would try to decode into 40 GB.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels of one image (a 40-megapixel photo).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Time allowed for one image.
const IMAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// The canonical path of an ENT image address (`/workspace/document/{id}` or
/// `/workspace/pub/document/{id}`, its query dropped), or `None` for anything else.
pub fn ent_image_path(src: &str) -> Option<String> {
    let (path, query) = src.split_once('?').unwrap_or((src, ""));
    let id = path
        .strip_prefix("/workspace/document/")
        .or_else(|| path.strip_prefix("/workspace/pub/document/"))?;
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let query_ok = query
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'&' | b'_' | b'-' | b'.'));
    (id_ok && query_ok).then(|| path.to_owned())
}

/// The address the ENT's editor writes for the document `id` it just uploaded.
pub fn image_src(id: &str, now_ms: i64) -> String {
    format!("/workspace/document/{id}?timestamp={now_ms}")
}

/// `html` (the output of [`crate::body::sanitize`]) with each ENT image fetched with `client`'s
/// session and inlined as a `data:` URL, or emptied when it cannot be fetched or is not a
/// raster image of a sane size. Other sources are left alone.
pub async fn inline_ent_images(client: &Client, html: &str) -> String {
    let sources = img_sources(html);
    let mut wanted: Vec<String> = Vec::new();
    for &(start, end) in &sources {
        if let Some(path) = ent_image_path(&unescape(&html[start..end])) {
            if !wanted.contains(&path) && wanted.len() < MAX_IMAGES {
                wanted.push(path);
            }
        }
    }
    if wanted.is_empty() {
        return html.to_owned();
    }
    let mut tasks = tokio::task::JoinSet::new();
    for path in wanted.clone() {
        let client = client.clone();
        tasks.spawn(async move {
            let data = fetch_data_url(&client, &path).await;
            (path, data)
        });
    }
    let mut fetched = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((path, Some(data))) = done {
            fetched.insert(path, data);
        }
    }
    keep_within_total(&mut fetched, &wanted);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (start, end) in sources {
        let Some(path) = ent_image_path(&unescape(&html[start..end])) else {
            continue;
        };
        out.push_str(&html[at..start]);
        if let Some(data) = fetched.get(&path) {
            out.push_str(data);
        }
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// The ENT image at `path` (an [`ent_image_path`]) as a `data:` URL, fetched through the client
/// (its session, its re-login) within 20 seconds; `None` when it cannot be shown.
pub async fn fetch_data_url(client: &Client, path: &str) -> Option<String> {
    tokio::time::timeout(IMAGE_TIMEOUT, fetch(client, path))
        .await
        .ok()
        .flatten()
}

async fn fetch(client: &Client, path: &str) -> Option<String> {
    let mut download = client.download(path).await.ok()?;
    if download.len().is_some_and(|n| n > MAX_IMAGE_BYTES as u64) {
        return None;
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = download.chunk().await.ok()? {
        if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
            return None;
        }
        bytes.extend_from_slice(&chunk);
    }
    data_url(&bytes)
}

/// `bytes` as a `data:` URL when they are a raster image within [`MAX_SIDE`] and
/// [`MAX_PIXELS`]; the type comes from the bytes.
pub fn data_url(bytes: &[u8]) -> Option<String> {
    let kind = raster_type(bytes)?;
    sane_dimensions(bytes)?;
    Some(format!("data:{kind};base64,{}", base64(bytes)))
}

/// Width and height of a raster image within [`MAX_SIDE`] and [`MAX_PIXELS`], read from its
/// header; `None` for anything else.
fn sane_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    raster_type(bytes)?;
    let (w, h) = dimensions(bytes)?;
    let sane = w > 0
        && h > 0
        && w <= MAX_SIDE
        && h <= MAX_SIDE
        && u64::from(w) * u64::from(h) <= MAX_PIXELS;
    sane.then_some((w, h))
}

/// The file name and bytes to upload for the picked image `name`.
///
/// - Refused: a file heavier than [`MAX_PICKED_BYTES`], or that is not a raster image within
///   [`MAX_SIDE`] and [`MAX_PIXELS`], or that cannot be decoded.
/// - Sent as it is: an image that already fits in [`FIT_SIDE`] × [`FIT_SIDE`] and weighs at
///   most [`MAX_UPLOAD_BYTES`]. The ENT's editor would write it again as a JPEG; kept, a GIF
///   stays animated and a screenshot's text stays sharp.
/// - Otherwise shrunk as the ENT's editor shrinks a picture: turned upright as its camera
///   recorded, fitted into [`FIT_SIDE`] × [`FIT_SIDE`] with its proportions (the editor's
///   rounding), laid on white where it is transparent, and written as a JPEG of quality 80
///   named `{name without its extension}.jpeg`.
///
/// Decoding is CPU-bound (a 40-megapixel photo takes a fraction of a second): call it off the
/// async runtime.
pub fn prepare_upload(name: &str, bytes: Vec<u8>) -> Result<(String, Vec<u8>), ImageError> {
    if bytes.len() as u64 > MAX_PICKED_BYTES {
        return Err(ImageError::TooLarge {
            name: name.to_owned(),
            size: bytes.len() as u64,
            limit: MAX_PICKED_BYTES,
        });
    }
    let not_an_image = || ImageError::NotAnImage {
        name: name.to_owned(),
    };
    let (w, h) = sane_dimensions(&bytes).ok_or_else(not_an_image)?;
    if w <= FIT_SIDE && h <= FIT_SIDE && bytes.len() as u64 <= MAX_UPLOAD_BYTES {
        return Ok((name.to_owned(), bytes));
    }
    let shrunk = shrink(&bytes).ok_or_else(not_an_image)?;
    let stem = std::path::Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned());
    Ok((format!("{stem}.jpeg"), shrunk))
}

/// `bytes` decoded, upright, fitted into [`FIT_SIDE`], on white, as a JPEG.
fn shrink(bytes: &[u8]) -> Option<Vec<u8>> {
    use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    // On white first, as the editor fills its canvas white before drawing: averaging
    // transparent pixels would darken the edges. In place: a 40-megapixel photo is 160 MB
    // decoded, and no second copy of it is made.
    let opaque = if image.color().has_alpha() {
        let mut rgba = image.into_rgba8();
        let on_white = |c: u8, a: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        for pixel in rgba.pixels_mut() {
            let [r, g, b, a] = pixel.0;
            pixel.0 = [on_white(r, a), on_white(g, a), on_white(b, a), 255];
        }
        DynamicImage::ImageRgba8(rgba)
    } else {
        image
    };
    let (w, h) = fit(opaque.width(), opaque.height());
    let small = opaque.thumbnail_exact(w, h).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// `width` × `height` fitted into [`FIT_SIDE`] × [`FIT_SIDE`] as the ENT's editor fits them
/// (`ImageResizer.changeDimension`: the width first, then the height, each rounded).
fn fit(width: u32, height: u32) -> (u32, u32) {
    let side = u64::from(FIT_SIDE);
    let (mut w, mut h) = (u64::from(width), u64::from(height));
    // Math.round(a * side / b) for positive numbers.
    let scaled = |a: u64, b: u64| (2 * a * side + b) / (2 * b);
    if w > side {
        h = scaled(h, w);
        w = side;
    }
    if h > side {
        w = scaled(w, h);
        h = side;
    }
    (w.max(1) as u32, h.max(1) as u32)
}

/// Width and height an image declares in its header (PNG, GIF, JPEG, WebP, BMP, ICO); `None`
/// when they cannot be read.
pub fn dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let be32 = |i: usize| {
        b.get(i..i + 4)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    };
    let le16 = |i: usize| {
        b.get(i..i + 2)
            .map(|s| u32::from(u16::from_le_bytes([s[0], s[1]])))
    };
    let be16 = |i: usize| {
        b.get(i..i + 2)
            .map(|s| u32::from(u16::from_be_bytes([s[0], s[1]])))
    };
    let le24 = |i: usize| {
        b.get(i..i + 3)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], 0]))
    };
    let le32 = |i: usize| {
        b.get(i..i + 4)
            .map(|s| i32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    match raster_type(b)? {
        "image/png" => (b.get(12..16) == Some(b"IHDR")).then_some((be32(16)?, be32(20)?)),
        "image/gif" => Some((le16(6)?, le16(8)?)),
        "image/bmp" => Some((le32(18)?.unsigned_abs(), le32(22)?.unsigned_abs())),
        "image/x-icon" => {
            let side = |v: u32| if v == 0 { 256 } else { v };
            Some((side(u32::from(*b.get(6)?)), side(u32::from(*b.get(7)?))))
        }
        "image/webp" => match b.get(12..16)? {
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            b"VP8L" => {
                let v = le32(21)? as u32;
                Some(((v & 0x3fff) + 1, ((v >> 14) & 0x3fff) + 1))
            }
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            _ => None,
        },
        "image/jpeg" => {
            // Walk the segments to the first start-of-frame.
            let mut i = 2;
            while i + 4 <= b.len() {
                if b[i] != 0xff {
                    return None;
                }
                let marker = b[i + 1];
                if marker == 0xff {
                    i += 1;
                    continue;
                }
                let len = be16(i + 2)? as usize;
                let sof = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
                if sof {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                if len < 2 {
                    return None;
                }
                i += 2 + len;
            }
            None
        }
        _ => None,
    }
}

/// Why an image cannot be inserted.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{name} is not an image the ent shows (png, jpeg, gif, webp or bmp of at most {MAX_SIDE} pixels a side); pick another file")]
    NotAnImage { name: String },
    #[error("{name} is {size} bytes, more than the {limit} bytes an inserted image may have; pick a smaller image")]
    TooLarge { name: String, size: u64, limit: u64 },
}

/// `POST /workspace/document?` [`UPLOAD_QUERY`] with one multipart `file`: the new document's
/// id.
pub async fn upload(client: &Client, filename: &str, bytes: Vec<u8>) -> ApiResult<String> {
    #[derive(serde::Deserialize)]
    struct Created {
        #[serde(rename = "_id")]
        id: String,
    }
    let content_type = raster_type(&bytes).unwrap_or("application/octet-stream");
    let body = Body::File {
        filename: filename.to_owned(),
        content_type: content_type.to_owned(),
        bytes: std::sync::Arc::new(bytes),
        progress: None,
    };
    let call = Call::write(
        reqwest::Method::POST,
        format!("/workspace/document?{UPLOAD_QUERY}"),
        body,
    );
    let created: Created = client.send(call).await?;
    if ent_image_path(&format!("/workspace/document/{}", created.id)).is_none() {
        return Err(ApiError::BadAnswer {
            what: "POST /workspace/document".into(),
            detail: "the document id is not one".into(),
        });
    }
    Ok(created.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_shape_of_an_ent_image_address_is_one() {
        let id = "0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b";
        assert_eq!(
            ent_image_path(&format!("/workspace/document/{id}?timestamp=1796000000000")),
            Some(format!("/workspace/document/{id}"))
        );
        assert!(ent_image_path(&format!("/workspace/pub/document/{id}")).is_some());
        for bad in [
            "/workspace/document/../../x",
            "/workspace/document/..%2f..%2fx",
            "/workspace/document/a/b",
            "/workspace/document/",
            "//evil.example/workspace/document/abc",
            "https://evil.example/workspace/document/abc",
            "/workspace/document/abc?x=<script>",
            "/workspace/document/abc#x",
            "/conversation/api/folders",
            "/workspace/document/a\\..",
        ] {
            assert_eq!(ent_image_path(bad), None, "{bad}");
        }
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(b"\x08\x02\0\0\0");
        b
    }

    #[test]
    fn dimensions_are_read_from_the_headers_and_a_huge_image_is_refused() {
        assert_eq!(dimensions(&png(640, 480)), Some((640, 480)));
        assert_eq!(dimensions(b"GIF89a\x40\x01\xf0\x00"), Some((320, 240)));
        let jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03";
        assert_eq!(dimensions(jpeg), Some((640, 480)));
        assert!(data_url(&png(640, 480)).is_some());
        assert!(
            data_url(&png(100_000, 100_000)).is_none(),
            "a decompression bomb"
        );
        assert!(data_url(&png(16_000, 16_000)).is_none(), "256 megapixels");
        assert!(data_url(b"<svg onload=alert(1)>").is_none());
    }

    /// A `width` × `height` PNG: a gradient, transparent on its left half when `alpha`.
    fn encoded_png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let image = image::RgbaImage::from_fn(width, height, |x, y| {
            let a = if alpha && x < width / 2 { 0 } else { 255 };
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 40, a])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn decoded(bytes: &[u8]) -> image::DynamicImage {
        image::load_from_memory(bytes).unwrap()
    }

    #[test]
    fn an_image_that_fits_is_sent_as_it_is_and_what_is_not_one_is_refused() {
        let small = encoded_png(800, 600, true);
        assert_eq!(
            prepare_upload("plan.png", small.clone()).unwrap(),
            ("plan.png".to_owned(), small)
        );
        for (name, bytes) in [
            ("a.txt", b"hello".to_vec()),
            ("bombe.png", png(100_000, 100_000)),
            // A header that claims a picture with nothing behind it cannot be shrunk.
            ("vide.png", png(4000, 3000)),
        ] {
            assert!(
                matches!(
                    prepare_upload(name, bytes),
                    Err(ImageError::NotAnImage { .. })
                ),
                "{name}"
            );
        }
        let mut heavy = png(10, 10);
        heavy.resize(MAX_PICKED_BYTES as usize + 1, 0);
        assert!(matches!(
            prepare_upload("lourde.png", heavy),
            Err(ImageError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_larger_image_is_shrunk_as_the_ents_editor_shrinks_it() {
        // Wider than 1440: fitted by its width; a transparent half becomes white.
        let (name, bytes) = prepare_upload("sortie.png", encoded_png(3000, 2000, true)).unwrap();
        assert_eq!(name, "sortie.jpeg");
        assert_eq!(raster_type(&bytes), Some("image/jpeg"));
        let shrunk = decoded(&bytes).to_rgb8();
        assert_eq!(shrunk.dimensions(), (1440, 960));
        let white = shrunk.get_pixel(100, 500).0;
        assert!(white.iter().all(|&c| c > 245), "{white:?}");
        let drawn = shrunk.get_pixel(1300, 500).0;
        assert!(drawn[2] < 80, "{drawn:?}");
        // Taller than 1440: fitted by its height, the width rounded as the editor rounds it.
        let (_, bytes) = prepare_upload("affiche", encoded_png(1001, 3000, false)).unwrap();
        assert_eq!(decoded(&bytes).to_rgb8().dimensions(), (480, 1440));
        assert_eq!(fit(1001, 3000), (480, 1440));
        // A phone photo stored sideways with « rotate 90° » in its EXIF is sent upright.
        let sideways = image::RgbImage::from_fn(3000, 2000, |x, _| {
            image::Rgb(if x < 1500 { [250, 0, 0] } else { [0, 0, 250] })
        });
        let mut jpeg = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
        // A big-endian TIFF block with one entry: Orientation (0x0112) = 6.
        let exif = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
        image::ImageEncoder::set_exif_metadata(&mut encoder, exif.to_vec()).unwrap();
        encoder.encode_image(&sideways).unwrap();
        let (_, bytes) = prepare_upload("portrait.jpg", jpeg).unwrap();
        let upright = decoded(&bytes).to_rgb8();
        assert_eq!(upright.dimensions(), (960, 1440));
        // Turned clockwise: the left half (red) is now on top.
        assert!(upright.get_pixel(480, 100).0[0] > 200);
        assert!(upright.get_pixel(480, 1340).0[2] > 200);
        assert_eq!(fit(3000, 1001), (1440, 480));
        assert_eq!(fit(20_000, 1), (1440, 1));
        assert_eq!(fit(1440, 1440), (1440, 1440));
    }
}
